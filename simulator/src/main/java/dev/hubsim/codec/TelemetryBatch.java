package dev.hubsim.codec;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched device-to-cloud messages (message format {@code 0x80013700}, reference/iothub-twin-methods-mqtt.md §6,
 * reference/iothub-amqp.md §8.2): the container's body is one or more Data sections, each holding one whole encoded
 * message. The C SDK writes an inner message's sections out of the specification's order (properties,
 * application-properties, message-annotations, data), so they are read in any order and each inner message comes out
 * re-encoded in the specification's order. The container's own properties are not carried onto the inner messages.
 */
public final class TelemetryBatch {
    /** The batched message format (AMQPNET {@code AmqpBatchedMessageFormat}). */
    public static final long FORMAT = 0x80013700L;

    /** Why a container cannot be read as a batch: the description the refusal carries. */
    public static final class MalformedBatch extends Exception {
        MalformedBatch(String message) {
            super(message);
        }
    }

    private TelemetryBatch() {
    }

    /** The inner messages of the encoded container, in order; every one of them well formed, or none. */
    public static List<Message> split(ByteBuffer container) throws MalformedBatch {
        List<Message> inner = new ArrayList<>();
        List<Section> sections;
        try {
            sections = sections(container);
        } catch (RuntimeException e) {
            throw new MalformedBatch("The batch (message format 0x80013700) is not an AMQP message: " + e.getMessage());
        }
        for (Section section : sections) {
            if (section instanceof Data data) {
                int index = inner.size() + 1;
                if (data.getValue() == null) {
                    throw new MalformedBatch("Data section " + index + " of the batch is empty; each must hold one encoded message.");
                }
                try {
                    inner.add(message(sections(data.getValue().asByteBuffer())));
                } catch (RuntimeException e) {
                    throw new MalformedBatch("Data section " + index + " of the batch is not an encoded AMQP message: " + e.getMessage());
                }
            } else if (!(section instanceof Header || section instanceof DeliveryAnnotations || section instanceof MessageAnnotations
                    || section instanceof Properties || section instanceof ApplicationProperties || section instanceof Footer)) {
                throw new MalformedBatch("The body of a batch (message format 0x80013700) is Data sections only, not "
                        + section.getClass().getSimpleName() + ".");
            }
        }
        if (inner.isEmpty()) {
            throw new MalformedBatch("The batch (message format 0x80013700) has no Data section; each Data section holds one message.");
        }
        return inner;
    }

    /** Every section of an encoded message, in the order written. */
    private static List<Section> sections(ByteBuffer bytes) {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        decoder.setByteBuffer(bytes.duplicate());
        List<Section> sections = new ArrayList<>();
        while (decoder.getByteBuffer().hasRemaining()) {
            Object value = decoder.readObject();
            if (!(value instanceof Section section)) {
                throw new IllegalArgumentException("expected a message section, found " + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            sections.add(section);
        }
        return sections;
    }

    /** One inner message from its sections, whatever their order; one body section at most. */
    private static Message message(List<Section> sections) {
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("no section at all");
        }
        Message m = Proton.message();
        boolean body = false;
        for (Section s : sections) {
            if (s instanceof Header h) {
                m.setHeader(h);
            } else if (s instanceof DeliveryAnnotations d) {
                m.setDeliveryAnnotations(d);
            } else if (s instanceof MessageAnnotations a) {
                m.setMessageAnnotations(a);
            } else if (s instanceof Properties p) {
                m.setProperties(p);
            } else if (s instanceof ApplicationProperties a) {
                m.setApplicationProperties(a);
            } else if (s instanceof Footer f) {
                m.setFooter(f);
            } else if (body) {
                throw new IllegalArgumentException("more than one body section (hubsim stores one per message)");
            } else {
                body = true;
                m.setBody(s);
            }
        }
        return m;
    }
}
