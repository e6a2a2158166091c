package dev.hubsim.amqp.link;

import dev.hubsim.codec.StampSection;
import dev.hubsim.telemetry.TelemetryIngest;
import org.apache.activemq.artemis.protocol.amqp.util.TLSEncode;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.codec.TypeConstructor;

import java.util.Map;

/**
 * The stored bytes of a telemetry message: the device's header and its sections from properties on (properties,
 * application properties, body, footer) copied as they came, around a message-annotations section written anew with
 * the hub's stamp ({@link StampSection}). Only that section is decoded (when the device sent one) and encoded; delivery
 * annotations, which are per hop, are dropped. One instance per telemetry link.
 */
final class StampedTelemetry {
    private final StampSection section = new StampSection();

    /**
     * @param message the encoded message as received, positioned at its first section; read, not kept
     */
    byte[] encode(ReadableBuffer message, TelemetryIngest.Stamp stamp) {
        int start = message.position();
        int headerEnd = start;
        int rest = -1;
        Map<Symbol, Object> deviceAnnotations = null;
        DecoderImpl decoder = TLSEncode.getDecoder();
        decoder.setBuffer(message);
        try {
            while (message.hasRemaining()) {
                int position = message.position();
                TypeConstructor<?> read = decoder.readConstructor();
                Class<?> type = read.getTypeClass();
                if (type == Header.class) {
                    read.skipValue();
                    headerEnd = message.position();
                } else if (type == DeliveryAnnotations.class) {
                    read.skipValue();
                } else if (type == MessageAnnotations.class) {
                    deviceAnnotations = ((MessageAnnotations) read.readValue()).getValue();
                } else {
                    rest = position;
                    break;
                }
            }
        } finally {
            decoder.setBuffer(null);
        }
        int end = message.limit();
        if (rest < 0) {
            rest = end;
        }
        int headerLength = headerEnd - start;
        int sectionLength = section.prepare(stamp, deviceAnnotations);
        byte[] stored = new byte[headerLength + sectionLength + end - rest];
        message.position(start).get(stored, 0, headerLength);
        section.copyTo(stored, headerLength);
        message.position(rest).get(stored, headerLength + sectionLength, end - rest);
        return stored;
    }
}
