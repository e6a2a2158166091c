package dev.hubsim.codec;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message's size as IoT Hub counts it against its limits (DOCS iot-hub-devguide-messages-construct, "Message size"):
 * the body, plus the values of the system properties, plus the names and values of the application properties. Strings
 * and symbols count their UTF-8 bytes, binaries their length, other values (numbers, timestamps, uuids) their AMQP
 * encoding less its type code; a body that is neither data, a string nor a binary counts its encoding. Never more than
 * the encoded message, so a message whose encoding is within a limit needs no count.
 */
public final class DocumentedSize {
    private DocumentedSize() {
    }

    public static long of(Message message) {
        return of(message.getProperties(), message.getApplicationProperties(), message.getBody());
    }

    public static long of(Properties p, ApplicationProperties app, Section body) {
        long size = body(body);
        if (p != null) {
            for (Object value : new Object[]{p.getMessageId(), p.getUserId(), p.getTo(), p.getSubject(), p.getReplyTo(), p.getCorrelationId(),
                    p.getContentType(), p.getContentEncoding(), p.getAbsoluteExpiryTime(), p.getCreationTime(), p.getGroupId(),
                    p.getGroupSequence(), p.getReplyToGroupId()}) {
                size += value(value);
            }
        }
        if (app != null && app.getValue() != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) app.getValue()).entrySet()) {
                size += value(e.getKey()) + value(e.getValue());
            }
        }
        return size;
    }

    private static long body(Section body) {
        if (body == null) {
            return 0;
        }
        if (body instanceof Data data) {
            return data.getValue() == null ? 0 : data.getValue().getLength();
        }
        if (body instanceof AmqpValue value && (value.getValue() instanceof String || value.getValue() instanceof Binary)) {
            return value(value.getValue());
        }
        return encoded(body);
    }

    private static long value(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Binary binary) {
            return binary.getLength();
        }
        if (value instanceof String || value instanceof org.apache.qpid.proton.amqp.Symbol) {
            return value.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        // Encoded as the body of an otherwise empty message: 3 bytes of section descriptor, 1 of type code.
        return Math.max(0, encoded(new AmqpValue(value)) - 4);
    }

    private static long encoded(Section body) {
        Message holder = Proton.message();
        holder.setBody(body);
        return Messages.encode(holder).length;
    }
}
