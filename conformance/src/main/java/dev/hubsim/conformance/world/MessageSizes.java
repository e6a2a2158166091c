package dev.hubsim.conformance.world;

import dev.hubsim.probe.ProbeConnection;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Message sizes as IoT Hub counts them (DOCS iot-hub-devguide-messages-construct, "Message size": "the sum of the body
 * size in bytes, the size in bytes of all values of message system properties, and the size in bytes of all user
 * property names and values"), for the kit's own messages, whose properties are strings: a string counts its UTF-8
 * bytes. And messages padded to an exact encoded size, for bounds the AMQP layer counts.
 */
final class MessageSizes {
    private MessageSizes() {
    }

    /** The documented size of a message whose body is Data sections or a string and whose property values are strings. */
    static long counted(Message message) {
        long size = 0;
        if (message.getBody() instanceof Data data) {
            size += data.getValue().getLength();
        } else if (message.getBody() instanceof AmqpValue value && value.getValue() instanceof String text) {
            size += utf8(text);
        }
        Properties p = message.getProperties();
        if (p != null) {
            for (Object value : new Object[]{p.getMessageId(), p.getTo(), p.getSubject(), p.getReplyTo(), p.getCorrelationId(),
                    p.getContentType(), p.getContentEncoding(), p.getGroupId(), p.getReplyToGroupId()}) {
                size += value == null ? 0 : utf8(String.valueOf(value));
            }
            size += p.getUserId() == null ? 0 : p.getUserId().getLength();
        }
        if (message.getApplicationProperties() != null) {
            for (Map.Entry<String, Object> e : message.getApplicationProperties().getValue().entrySet()) {
                size += utf8(e.getKey()) + utf8(String.valueOf(e.getValue()));
            }
        }
        return size;
    }

    /** Sets a Data body so that the message's documented size is exactly {@code size}. */
    static void bodyForCountedSize(Message message, long size) {
        message.setBody(new Data(new Binary(new byte[0])));
        long rest = size - counted(message);
        if (rest < 0) {
            throw new IllegalArgumentException("the message's properties alone count " + counted(message) + " bytes, more than " + size);
        }
        message.setBody(new Data(new Binary(new byte[(int) rest])));
    }

    /**
     * Encodes {@code message} after padding it through {@code pad} with a string of the length that makes the encoding
     * exactly {@code bytes} long (string length prefixes change width at 256 bytes, hence the loop).
     */
    static byte[] encodedTo(Message message, int bytes, Consumer<String> pad) {
        int padding = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            pad.accept("x".repeat(padding));
            byte[] encoded = ProbeConnection.encode(message);
            if (encoded.length == bytes) {
                return encoded;
            }
            padding = Math.max(0, padding + bytes - encoded.length);
        }
        throw new IllegalStateException("cannot pad the message to exactly " + bytes + " encoded bytes");
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
