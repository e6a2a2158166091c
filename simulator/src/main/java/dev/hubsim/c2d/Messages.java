package dev.hubsim.c2d;

import org.apache.qpid.proton.message.Message;

import java.nio.BufferOverflowException;
import java.util.Arrays;

/** Encoding of Proton messages to exact-size byte arrays. */
public final class Messages {
    private Messages() {
    }

    public static byte[] encode(Message message) {
        byte[] buffer = new byte[1024];
        while (true) {
            try {
                int size = message.encode(buffer, 0, buffer.length);
                return Arrays.copyOf(buffer, size);
            } catch (BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }
}
