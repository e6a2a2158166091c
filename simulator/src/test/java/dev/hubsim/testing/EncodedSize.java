package dev.hubsim.testing;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

/** Messages padded to an exact encoded size, to test a size limit at its boundary (accepted at N, refused at N+1). */
public final class EncodedSize {
    private EncodedSize() {
    }

    /** Sets a Data body of zeros on {@code message} so that the whole message encodes to exactly {@code bytes}. */
    public static Message pad(Message message, int bytes) {
        message.setBody(new Data(new Binary(new byte[bytes])));
        int overhead = AmqpTestClient.encodeForTest(message).length - bytes;
        message.setBody(new Data(new Binary(new byte[bytes - overhead])));
        int encoded = AmqpTestClient.encodeForTest(message).length;
        if (encoded != bytes) {
            throw new IllegalStateException("padded to " + encoded + " bytes, not " + bytes);
        }
        return message;
    }
}
