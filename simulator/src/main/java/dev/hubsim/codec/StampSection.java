package dev.hubsim.codec;

import dev.hubsim.eventhub.EventHubAnnotations;
import dev.hubsim.telemetry.TelemetryAnnotations;
import dev.hubsim.telemetry.TelemetryIngest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.artemis.protocol.amqp.util.NettyWritable;
import org.apache.activemq.artemis.protocol.amqp.util.TLSEncode;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.WritableBuffer;

import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The message-annotations section of a stored telemetry event, the hub's stamp (reference/iothub-amqp.md §6.1), written
 * straight into the stored array by every face: encoding a whole Proton message instead cost a quarter of the D2C
 * thread (README, Benchmarks). One instance per sender (a telemetry link, an MQTT connection), used on its event loop:
 * the entries naming the sender are encoded once and kept, the four placing the event are written per message.
 * {@link #prepare} encodes, {@link #copyTo} copies, on the same thread, with nothing encoded in between.
 */
public final class StampSection {
    private static final Symbol DEVICE_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_DEVICE_ID);
    private static final Symbol MODULE_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_MODULE_ID);
    private static final Symbol AUTH_METHOD = Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_METHOD);
    private static final Symbol GENERATION_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_GENERATION_ID);
    private static final Symbol ENQUEUED_TIME = Symbol.valueOf(TelemetryAnnotations.ENQUEUED_TIME);
    private static final Symbol MESSAGE_SOURCE = Symbol.valueOf(TelemetryAnnotations.MESSAGE_SOURCE);
    private static final Symbol SEQUENCE_NUMBER = Symbol.valueOf(EventHubAnnotations.SEQUENCE_NUMBER);
    private static final Symbol OFFSET = Symbol.valueOf(EventHubAnnotations.OFFSET);
    private static final Symbol X_OPT_ENQUEUED_TIME = Symbol.valueOf(EventHubAnnotations.ENQUEUED_TIME);
    /** The section's constructor: described (0x00), descriptor smallulong 0x72 (message-annotations), map32 (0xd1). */
    private static final byte[] SECTION_START = {0x00, 0x53, 0x72, (byte) 0xd1};
    /** Per event-loop thread: the changing part of the stamp is written here, then copied into the stored array. */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(512));

    /** The sender's entries, encoded (key, value, key, value...), and what they were made from. */
    private String[] sender;
    private byte[] senderEntries;
    private int senderPairs;
    /** The kept entries the prepared section starts with; null when the whole section is in the scratch. */
    private byte[] prefix;

    /**
     * Encodes the section for one event: the stamp alone, or over the device's own annotations when it sent any.
     *
     * @return the section's length in bytes, what {@link #copyTo} then writes
     */
    public int prepare(TelemetryIngest.Stamp stamp, Map<Symbol, Object> deviceAnnotations) {
        EncoderImpl encoder = TLSEncode.getEncoder();
        // The usual case, no annotations from the device: the sender's entries (kept) and the position's (written now).
        prefix = deviceAnnotations == null ? senderEntries(encoder, stamp) : null;
        ByteBuf scratch = SCRATCH.get().clear();
        encoder.setByteBuffer(new NettyWritable(scratch));
        try {
            if (prefix != null) {
                writePositionEntries(encoder, stamp);
            } else {
                encoder.writeObject(new MessageAnnotations(stamped(deviceAnnotations, stamp)));
            }
        } finally {
            encoder.setByteBuffer((WritableBuffer) null);
        }
        int written = scratch.readableBytes();
        return prefix == null ? written : SECTION_START.length + 8 + prefix.length + written;
    }

    /** Writes the prepared section at {@code at}; returns the index after it. */
    public int copyTo(byte[] stored, int at) {
        ByteBuf scratch = SCRATCH.get();
        int written = scratch.readableBytes();
        if (prefix != null) {
            System.arraycopy(SECTION_START, 0, stored, at, SECTION_START.length);
            at = putInt(stored, at + SECTION_START.length, 4 + prefix.length + written); // map32 size: from the count on
            at = putInt(stored, at, 2 * (senderPairs + 4)); // map32 count: keys and values
            System.arraycopy(prefix, 0, stored, at, prefix.length);
            at += prefix.length;
        }
        scratch.readBytes(stored, at, written);
        return at + written;
    }

    /** device-id, module-id (for a module), auth-method, generation-id and message-source, encoded once per sender. */
    private byte[] senderEntries(EncoderImpl encoder, TelemetryIngest.Stamp stamp) {
        String[] now = {stamp.deviceId(), stamp.moduleId(), stamp.authMethod(), stamp.generationId(), stamp.messageSource()};
        if (senderEntries == null || !Arrays.equals(sender, now)) {
            ByteBuf entries = Unpooled.buffer(256);
            encoder.setByteBuffer(new NettyWritable(entries));
            try {
                pair(encoder, DEVICE_ID, stamp.deviceId());
                if (stamp.moduleId() != null) {
                    pair(encoder, MODULE_ID, stamp.moduleId());
                }
                pair(encoder, AUTH_METHOD, stamp.authMethod());
                pair(encoder, GENERATION_ID, stamp.generationId());
                pair(encoder, MESSAGE_SOURCE, stamp.messageSource());
            } finally {
                encoder.setByteBuffer((WritableBuffer) null);
            }
            senderEntries = new byte[entries.readableBytes()];
            entries.readBytes(senderEntries);
            senderPairs = stamp.moduleId() != null ? 5 : 4;
            sender = now;
        }
        return senderEntries;
    }

    private static void pair(EncoderImpl encoder, Symbol key, String value) {
        encoder.writeSymbol(key);
        encoder.writeString(value);
    }

    /** The entries {@link #senderEntries} does not hold: four, in the order {@link #stamped} gives them. */
    private static void writePositionEntries(EncoderImpl encoder, TelemetryIngest.Stamp stamp) {
        encoder.writeSymbol(SEQUENCE_NUMBER);
        encoder.writeLong(stamp.sequenceNumber());
        encoder.writeSymbol(OFFSET);
        encoder.writeString(Long.toString(stamp.offset()));
        // One instant for both: the hub's enqueued time is the Event Hub's.
        encoder.writeSymbol(ENQUEUED_TIME);
        encoder.writeTimestamp(stamp.enqueuedTime());
        encoder.writeSymbol(X_OPT_ENQUEUED_TIME);
        encoder.writeTimestamp(stamp.enqueuedTime());
    }

    static int putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
        return at + 4;
    }

    /** The device's own annotations in their order, the hub's stamp over them; a device's module id goes. */
    public static Map<Symbol, Object> stamped(Map<Symbol, Object> device, TelemetryIngest.Stamp stamp) {
        Map<Symbol, Object> map = new LinkedHashMap<>(Objects.requireNonNullElse(device, Map.of()));
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
        Date enqueued = new Date(stamp.enqueuedTime());
        map.put(ENQUEUED_TIME, enqueued);
        map.put(X_OPT_ENQUEUED_TIME, enqueued);
        return map;
    }
}
