package dev.hubsim.testing;

import dev.hubsim.codec.DocumentedSize;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/**
 * Messages of an exact size as IoT Hub counts it (body + system property values + application property names and
 * values), to test a size limit at its boundary (accepted at N, refused at N+1). Their encoding is larger.
 */
public final class CountedSize {
    private CountedSize() {
    }

    /** Sets a Data body of zeros on {@code message} so that its counted size is exactly {@code bytes}. */
    public static Message pad(Message message, int bytes) {
        message.setBody(new Data(new Binary(new byte[0])));
        long rest = bytes - DocumentedSize.of(message);
        message.setBody(new Data(new Binary(new byte[(int) rest])));
        if (DocumentedSize.of(message) != bytes || AmqpTestClient.encodeForTest(message).length <= bytes) {
            throw new IllegalStateException("cannot pad to a counted size of " + bytes + " bytes");
        }
        return message;
    }
}
