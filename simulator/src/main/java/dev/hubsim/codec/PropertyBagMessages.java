package dev.hubsim.codec;

import dev.hubsim.c2d.DeliveryAcknowledgement;
import dev.hubsim.telemetry.TelemetryIngest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.activemq.artemis.protocol.amqp.util.NettyWritable;
import org.apache.activemq.artemis.protocol.amqp.util.TLSEncode;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.WritableBuffer;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages whose properties travel as an MQTT property bag (reference iothub-twin-methods-mqtt.md §4.6), to and from
 * the AMQP encoding the hub stores: telemetry with the hub's stamp, as the Event Hub-compatible endpoint serves it, and
 * a stored cloud-to-device message as the bag of its delivery topic.
 */
public final class PropertyBagMessages {
    /** The application property a RETAIN=1 telemetry message carries (DOCS iot-mqtt-connect-to-iot-hub.md). */
    public static final String RETAIN = "mqtt-retain";
    /** The properties section of a message without any: what a publish without a bag stores before its body. */
    private static final byte[] EMPTY_PROPERTIES = encode(new Properties(), null);

    private PropertyBagMessages() {
    }

    /**
     * A device's telemetry as stored: {@code $.mid}, {@code $.cid}, {@code $.uid}, {@code $.to}, {@code $.ct},
     * {@code $.ce} and {@code $.exp} as AMQP properties; {@code $.ctime}, {@code $.sub}, {@code $.schema} as the
     * application properties IoT Hub gives them over AMQP; other {@code $.} keys ignored; the rest application
     * properties; the payload as one data section; the stamp as message annotations. The sections but the stamp are
     * encoded now; the encoder the ingest calls under the partition's lock writes the stamp and copies them into one
     * array of the event's size (no Proton message: encoding one whole was a quarter of the MQTT event loop).
     *
     * @param section the sender's stamp writer (one per connection), used on its event loop
     */
    public static TelemetryIngest.Encoder telemetry(Map<String, String> bag, boolean retain, byte[] payload, StampSection section) {
        byte[] head = bag.isEmpty() && !retain ? EMPTY_PROPERTIES : head(bag, retain);
        int dataHeader = payload.length <= 255 ? 5 : 8;
        return stamp -> {
            int stampLength = section.prepare(stamp, null);
            byte[] stored = new byte[stampLength + head.length + dataHeader + payload.length];
            int at = section.copyTo(stored, 0);
            System.arraycopy(head, 0, stored, at, head.length);
            at += head.length;
            // The body as Proton writes a data section: described 0x75, vbin8 up to 255 bytes, else vbin32.
            stored[at++] = 0x00;
            stored[at++] = 0x53;
            stored[at++] = 0x75;
            if (payload.length <= 255) {
                stored[at++] = (byte) 0xa0;
                stored[at++] = (byte) payload.length;
            } else {
                stored[at++] = (byte) 0xb0;
                at = StampSection.putInt(stored, at, payload.length);
            }
            System.arraycopy(payload, 0, stored, at, payload.length);
            return stored;
        };
    }

    /** The properties section (always, even empty, as a Proton message had it) and the application properties (when any). */
    private static byte[] head(Map<String, String> bag, boolean retain) {
        Properties properties = new Properties();
        Map<String, Object> application = new LinkedHashMap<>();
        bag.forEach((key, value) -> {
            switch (key) {
                case "$.mid" -> properties.setMessageId(value);
                case "$.cid" -> properties.setCorrelationId(value);
                case "$.uid" -> properties.setUserId(value == null ? null : new Binary(value.getBytes(StandardCharsets.UTF_8)));
                case "$.to" -> properties.setTo(value);
                case "$.ct" -> properties.setContentType(value == null ? null : Symbol.valueOf(value));
                case "$.ce" -> properties.setContentEncoding(value == null ? null : Symbol.valueOf(value));
                case "$.exp" -> properties.setAbsoluteExpiryTime(instant(value));
                case "$.ctime" -> application.put("iothub-creation-time-utc", value);
                case "$.sub" -> application.put("dt-subject", value);
                case "$.schema" -> application.put("dt-dataschema", value);
                default -> {
                    if (!key.startsWith("$.")) {
                        application.put(key, value);
                    }
                }
            }
        });
        if (retain) {
            application.put(RETAIN, "true");
        }
        return encode(properties, application.isEmpty() ? null : new ApplicationProperties(application));
    }

    private static byte[] encode(Properties properties, ApplicationProperties application) {
        ByteBuf buffer = Unpooled.buffer(256);
        EncoderImpl encoder = TLSEncode.getEncoder();
        encoder.setByteBuffer(new NettyWritable(buffer));
        try {
            encoder.writeObject(properties);
            if (application != null) {
                encoder.writeObject(application);
            }
        } finally {
            encoder.setByteBuffer((WritableBuffer) null);
        }
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        return bytes;
    }

    private static Date instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Date.from(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return null; // IoT Hub's format for $.exp is unconfirmed; an unreadable one sets no expiry
        }
    }

    /**
     * The bag of a cloud-to-device delivery, decoded, in the order clients need (reference §4.6, §8.4): system
     * properties first ({@code $.mid}, {@code $.to} always, {@code $.cid}, {@code $.uid}, {@code $.ct}, {@code $.ce},
     * {@code $.exp}), then {@code iothub-ack}, then the application properties; null values become empty ones, since
     * the Java SDK cannot read a bare key.
     */
    public static Map<String, String> deviceBoundBag(byte[] encoded, String defaultTo) {
        Message message = Messages.decode(encoded);
        Map<String, String> bag = new LinkedHashMap<>();
        Properties p = message.getProperties() == null ? new Properties() : message.getProperties();
        if (p.getMessageId() != null) {
            bag.put("$.mid", p.getMessageId().toString());
        }
        bag.put("$.to", p.getTo() != null ? p.getTo() : defaultTo);
        if (p.getCorrelationId() != null) {
            bag.put("$.cid", p.getCorrelationId().toString());
        }
        if (p.getUserId() != null) {
            bag.put("$.uid", new String(p.getUserId().getArray(), p.getUserId().getArrayOffset(), p.getUserId().getLength(), StandardCharsets.UTF_8));
        }
        if (p.getContentType() != null) {
            bag.put("$.ct", p.getContentType().toString());
        }
        if (p.getContentEncoding() != null) {
            bag.put("$.ce", p.getContentEncoding().toString());
        }
        if (p.getAbsoluteExpiryTime() != null) {
            bag.put("$.exp", p.getAbsoluteExpiryTime().toInstant().toString());
        }
        Map<String, Object> application = message.getApplicationProperties() == null ? Map.of() : message.getApplicationProperties().getValue();
        Object ack = application.get(DeliveryAcknowledgement.PROPERTY);
        bag.put(DeliveryAcknowledgement.PROPERTY, ack == null ? "none" : ack.toString());
        application.forEach((k, v) -> {
            if (!DeliveryAcknowledgement.PROPERTY.equals(k)) {
                bag.put(k, v == null ? "" : v.toString());
            }
        });
        return bag;
    }

    /** The body a device receives: the data section's bytes, or a string value's UTF-8. */
    public static byte[] body(byte[] encoded) {
        return Messages.body(Messages.decode(encoded));
    }
}
