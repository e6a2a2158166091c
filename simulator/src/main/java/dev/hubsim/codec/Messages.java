package dev.hubsim.codec;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.message.Message;

import java.nio.BufferOverflowException;
import java.util.Arrays;

/** Proton messages to exact-size byte arrays and back. */
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

    /** An encoded AMQP message; a RuntimeException when the bytes are not one. */
    public static Message decode(byte[] encoded) {
        Message message = Proton.message();
        message.decode(encoded, 0, encoded.length);
        return message;
    }

    /** The body bytes of a data section, or the UTF-8 of an AMQP value string; else none. */
    public static byte[] body(Message message) {
        if (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.Data data) {
            org.apache.qpid.proton.amqp.Binary b = data.getValue();
            return b.getArrayOffset() == 0 && b.getArray().length == b.getLength() ? b.getArray()
                    : Arrays.copyOfRange(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
        }
        if (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.AmqpValue v && v.getValue() instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new byte[0];
    }
}
