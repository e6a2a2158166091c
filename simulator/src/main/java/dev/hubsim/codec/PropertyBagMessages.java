package dev.hubsim.codec;

import dev.hubsim.c2d.DeliveryAcknowledgement;
import dev.hubsim.eventhub.EventHubAnnotations;
import dev.hubsim.telemetry.TelemetryAnnotations;
import dev.hubsim.telemetry.TelemetryIngest;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashMap;
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

    private PropertyBagMessages() {
    }

    /**
     * A device's telemetry as stored: {@code $.mid}, {@code $.cid}, {@code $.uid}, {@code $.to}, {@code $.ct},
     * {@code $.ce} and {@code $.exp} as AMQP properties; {@code $.ctime}, {@code $.sub}, {@code $.schema} as the
     * application properties IoT Hub gives them over AMQP; other {@code $.} keys ignored; the rest application
     * properties; the payload as one data section; the stamp as message annotations.
     */
    public static byte[] telemetry(Map<String, String> bag, boolean retain, byte[] payload, TelemetryIngest.Stamp stamp) {
        Message message = Proton.message();
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
        message.setProperties(properties);
        if (!application.isEmpty()) {
            message.setApplicationProperties(new ApplicationProperties(application));
        }
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(Symbol.valueOf(TelemetryAnnotations.CONNECTION_DEVICE_ID), stamp.deviceId());
        if (stamp.moduleId() != null) {
            annotations.put(Symbol.valueOf(TelemetryAnnotations.CONNECTION_MODULE_ID), stamp.moduleId());
        }
        annotations.put(Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_METHOD), stamp.authMethod());
        annotations.put(Symbol.valueOf(TelemetryAnnotations.CONNECTION_AUTH_GENERATION_ID), stamp.generationId());
        annotations.put(Symbol.valueOf(TelemetryAnnotations.MESSAGE_SOURCE), stamp.messageSource());
        annotations.put(Symbol.valueOf(EventHubAnnotations.SEQUENCE_NUMBER), stamp.sequenceNumber());
        annotations.put(Symbol.valueOf(EventHubAnnotations.OFFSET), Long.toString(stamp.offset()));
        annotations.put(Symbol.valueOf(TelemetryAnnotations.ENQUEUED_TIME), new Date(stamp.enqueuedTime()));
        annotations.put(Symbol.valueOf(EventHubAnnotations.ENQUEUED_TIME), new Date(stamp.enqueuedTime()));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setBody(new Data(new Binary(payload)));
        return Messages.encode(message);
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
