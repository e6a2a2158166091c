package dev.hubsim.amqp.link;

import dev.hubsim.eventhub.EventHubAnnotations;
import dev.hubsim.telemetry.TelemetryAnnotations;
import dev.hubsim.telemetry.TelemetryIngest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.artemis.protocol.amqp.util.NettyWritable;
import org.apache.activemq.artemis.protocol.amqp.util.TLSEncode;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.codec.TypeConstructor;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored bytes of a telemetry message: the device's header and its sections from properties on (properties,
 * application properties, body, footer) copied as they came, around a message-annotations section written anew with
 * the hub's stamp. Only that section is decoded (when the device sent one) and encoded; delivery annotations, which
 * are per hop, are dropped. Re-encoding the whole message instead cost a quarter of the D2C thread (README, Benchmarks).
 */
final class StampedTelemetry {
    private static final Symbol DEVICE_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_DEVICE_ID);
    private static final Symbol MODULE_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_MODULE_ID);
    private static final Symbol AUTH_METHOD = Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_METHOD);
    private static final Symbol GENERATION_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_GENERATION_ID);
    private static final Symbol ENQUEUED_TIME = Symbol.valueOf(TelemetryAnnotations.ENQUEUED_TIME);
    private static final Symbol MESSAGE_SOURCE = Symbol.valueOf(TelemetryAnnotations.MESSAGE_SOURCE);
    private static final Symbol SEQUENCE_NUMBER = Symbol.valueOf(EventHubAnnotations.SEQUENCE_NUMBER);
    private static final Symbol OFFSET = Symbol.valueOf(EventHubAnnotations.OFFSET);
    private static final Symbol X_OPT_ENQUEUED_TIME = Symbol.valueOf(EventHubAnnotations.ENQUEUED_TIME);
    /** Per event-loop thread: the new annotations section is written here, then copied into the stored array. */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(512));

    private StampedTelemetry() {
    }

    /**
     * @param message the encoded message as received, positioned at its first section; read, not kept
     */
    static byte[] encode(ReadableBuffer message, TelemetryIngest.Stamp stamp) {
        int start = message.position();
        int headerEnd = start;
        int rest = -1;
        Map<Symbol, Object> deviceAnnotations = null;
        DecoderImpl decoder = TLSEncode.getDecoder();
        decoder.setBuffer(message);
        try {
            while (message.hasRemaining()) {
                int position = message.position();
                TypeConstructor<?> section = decoder.readConstructor();
                Class<?> type = section.getTypeClass();
                if (type == Header.class) {
                    section.skipValue();
                    headerEnd = message.position();
                } else if (type == DeliveryAnnotations.class) {
                    section.skipValue();
                } else if (type == MessageAnnotations.class) {
                    deviceAnnotations = ((MessageAnnotations) section.readValue()).getValue();
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
        ByteBuf annotations = SCRATCH.get().clear();
        EncoderImpl encoder = TLSEncode.getEncoder();
        encoder.setByteBuffer(new NettyWritable(annotations));
        try {
            encoder.writeObject(new MessageAnnotations(stamped(deviceAnnotations, stamp)));
        } finally {
            encoder.setByteBuffer((org.apache.qpid.proton.codec.WritableBuffer) null);
        }
        int headerLength = headerEnd - start;
        int annotationsLength = annotations.readableBytes();
        byte[] stored = new byte[headerLength + annotationsLength + end - rest];
        message.position(start).get(stored, 0, headerLength);
        annotations.readBytes(stored, headerLength, annotationsLength);
        message.position(rest).get(stored, headerLength + annotationsLength, end - rest);
        return stored;
    }

    /** The device's own annotations (if any) in their order, the hub's stamp over them; a device's module id goes. */
    private static Map<Symbol, Object> stamped(Map<Symbol, Object> device, TelemetryIngest.Stamp stamp) {
        Map<Symbol, Object> map = device == null ? new LinkedHashMap<>(16) : new LinkedHashMap<>(device);
        map.put(DEVICE_ID, stamp.deviceId());
        if (stamp.moduleId() != null) {
            map.put(MODULE_ID, stamp.moduleId());
        } else {
            map.remove(MODULE_ID);
        }
        map.put(AUTH_METHOD, stamp.authMethod());
        map.put(GENERATION_ID, stamp.generationId());
        map.put(MESSAGE_SOURCE, stamp.messageSource());
        map.put(SEQUENCE_NUMBER, stamp.sequenceNumber());
        map.put(OFFSET, Long.toString(stamp.offset()));
        // One instant for both: the hub's enqueued time is the Event Hub's.
        Date enqueued = new Date(stamp.enqueuedTime());
        map.put(ENQUEUED_TIME, enqueued);
        map.put(X_OPT_ENQUEUED_TIME, enqueued);
        return map;
    }
}
