package dev.hubsim.codec;

import dev.hubsim.telemetry.TelemetryIngest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The stored event of an MQTT publish, pinned against the Proton message the face built and encoded whole before it
 * wrote the sections itself (the copy below): every section but the stamp byte for byte, the stamp's entries equal
 * (a map, now in the AMQP face's order).
 */
class PropertyBagTelemetryTest {
    private static final TelemetryIngest.Stamp DEVICE = new TelemetryIngest.Stamp("dev-1", null, "{\"scope\":\"device\",\"type\":\"sas\"}", "638000000000000001",
            41, 1234, 1_700_000_000_123L);
    private static final TelemetryIngest.Stamp MODULE = new TelemetryIngest.Stamp("dev-1", "mod-2", "{\"scope\":\"module\",\"type\":\"sas\"}", "gen-2",
            0, 0, 5);
    private static final List<String> AMQP_ORDER = List.of("iothub-connection-device-id", "iothub-connection-auth-method",
            "iothub-connection-auth-generation-id", "iothub-message-source", "x-opt-sequence-number", "x-opt-offset", "iothub-enqueuedtime",
            "x-opt-enqueued-time");

    @Test
    void aPublishWithoutABagIsItsPayloadAndTheStamp() {
        byte[] payload = new byte[1024];
        Arrays.fill(payload, (byte) 'x');
        byte[] stored = stored(Map.of(), false, payload, DEVICE);

        assertSameAsBefore(Map.of(), false, payload, DEVICE, stored);
        Message read = Messages.decode(stored);
        assertEquals(AMQP_ORDER, keys(read));
        Map<Symbol, Object> a = read.getMessageAnnotations().getValue();
        assertEquals("dev-1", a.get(Symbol.valueOf("iothub-connection-device-id")));
        assertEquals("{\"scope\":\"device\",\"type\":\"sas\"}", a.get(Symbol.valueOf("iothub-connection-auth-method")));
        assertEquals("638000000000000001", a.get(Symbol.valueOf("iothub-connection-auth-generation-id")));
        assertEquals("Telemetry", a.get(Symbol.valueOf("iothub-message-source")));
        assertEquals(41L, a.get(Symbol.valueOf("x-opt-sequence-number")));
        assertEquals("1234", a.get(Symbol.valueOf("x-opt-offset")));
        assertEquals(new Date(1_700_000_000_123L), a.get(Symbol.valueOf("iothub-enqueuedtime")));
        assertEquals(new Date(1_700_000_000_123L), a.get(Symbol.valueOf("x-opt-enqueued-time")));
        assertNull(read.getApplicationProperties());
        assertNull(read.getMessageId());
        assertArrayEquals(payload, Messages.body(read));
    }

    @Test
    void everySystemKeyOfTheBagBecomesTheAmqpPropertyOrApplicationPropertyItMapsTo() {
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("temp", "21.5");
        bag.put("$.mid", "m-1");
        bag.put("$.cid", "c-1");
        bag.put("$.uid", "user-1");
        bag.put("$.to", "/devices/dev-1/messages/events");
        bag.put("$.ct", "application/json");
        bag.put("$.ce", "utf-8");
        bag.put("$.exp", "2030-01-02T03:04:05.678Z");
        bag.put("$.ctime", "2026-12-02T13:00:00Z");
        bag.put("$.sub", "thermostat");
        bag.put("$.schema", "dtmi:example:T;1");
        bag.put("$.unknown", "dropped");
        bag.put("bare", null);
        bag.put("empty", "");
        bag.put("grüße", "ünïcode €");
        byte[] payload = "{\"t\":21.5}".getBytes(StandardCharsets.UTF_8);
        byte[] stored = stored(bag, false, payload, DEVICE);

        assertSameAsBefore(bag, false, payload, DEVICE, stored);
        Message read = Messages.decode(stored);
        assertEquals("m-1", read.getMessageId());
        assertEquals("c-1", read.getCorrelationId());
        assertArrayEquals("user-1".getBytes(StandardCharsets.UTF_8), read.getUserId());
        assertEquals("/devices/dev-1/messages/events", read.getAddress());
        assertEquals("application/json", read.getContentType());
        assertEquals("utf-8", read.getContentEncoding());
        assertEquals(Instant.parse("2030-01-02T03:04:05.678Z").toEpochMilli(), read.getExpiryTime());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("temp", "21.5");
        expected.put("iothub-creation-time-utc", "2026-12-02T13:00:00Z");
        expected.put("dt-subject", "thermostat");
        expected.put("dt-dataschema", "dtmi:example:T;1");
        expected.put("bare", null);
        expected.put("empty", "");
        expected.put("grüße", "ünïcode €");
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(read.getApplicationProperties().getValue().entrySet()), "in the bag's order");
        assertArrayEquals(payload, Messages.body(read));
    }

    @Test
    void aModuleRetainedPublishAndAnUnreadableExpiry() {
        Map<String, String> bag = Map.of("$.exp", "tomorrow");
        byte[] stored = stored(bag, true, new byte[0], MODULE);

        assertSameAsBefore(bag, true, new byte[0], MODULE, stored);
        Message read = Messages.decode(stored);
        assertEquals(List.of("iothub-connection-device-id", "iothub-connection-module-id", "iothub-connection-auth-method",
                "iothub-connection-auth-generation-id", "iothub-message-source", "x-opt-sequence-number", "x-opt-offset", "iothub-enqueuedtime",
                "x-opt-enqueued-time"), keys(read));
        assertEquals("mod-2", read.getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-connection-module-id")));
        assertEquals(0L, read.getExpiryTime(), "no expiry");
        assertEquals(Map.of(PropertyBagMessages.RETAIN, "true"), read.getApplicationProperties().getValue());
    }

    @Test
    void payloadsAroundTheShortBinaryEncodingAndALargeBag() {
        Map<String, String> large = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            large.put("key-" + i, "value-" + i);
        }
        for (int size : new int[]{1, 254, 255, 256, 65_536}) {
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) size);
            assertSameAsBefore(Map.of(), false, payload, DEVICE, stored(Map.of(), false, payload, DEVICE));
            assertSameAsBefore(large, false, payload, MODULE, stored(large, false, payload, MODULE));
        }
    }

    @Test
    void oneConnectionsWriterStampsEveryEventWithItsOwnPosition() {
        StampSection section = new StampSection();
        Map<String, String> bag = Map.of("$.mid", "m");
        for (long n = 0; n < 3; n++) {
            TelemetryIngest.Stamp stamp = new TelemetryIngest.Stamp("dev-1", null, "{}", n < 2 ? "gen-1" : "gen-2", n, 300 * n, 1000 + n);
            byte[] payload = {(byte) n};
            assertSameAsBefore(bag, false, payload, stamp, PropertyBagMessages.telemetry(bag, false, payload, section).encode(stamp));
        }
    }

    @Property(tries = 200)
    void anyBagAsBefore(@ForAll("bags") Map<String, String> bag, @ForAll boolean retain, @ForAll("payloads") byte[] payload) {
        assertSameAsBefore(bag, retain, payload, DEVICE, stored(bag, retain, payload, DEVICE));
    }

    @Provide
    Arbitrary<Map<String, String>> bags() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("$.mid", "$.cid", "$.uid", "$.to", "$.ct", "$.ce", "$.exp", "$.ctime", "$.sub",
                "$.schema", "$.other", "iothub-MessageType"), Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), Arbitraries.just(null),
                Arbitraries.just("2031-05-06T07:08:09Z"));
        return Arbitraries.maps(keys, values).ofMaxSize(12).map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    /** The face's stored event for one publish. */
    private static byte[] stored(Map<String, String> bag, boolean retain, byte[] payload, TelemetryIngest.Stamp stamp) {
        return PropertyBagMessages.telemetry(bag, retain, payload, new StampSection()).encode(stamp);
    }

    private static void assertSameAsBefore(Map<String, String> bag, boolean retain, byte[] payload, TelemetryIngest.Stamp stamp, byte[] stored) {
        byte[] before = Before.telemetry(bag, retain, payload, stamp);
        assertEquals(Messages.decode(before).getMessageAnnotations().getValue(), Messages.decode(stored).getMessageAnnotations().getValue(),
                "the stamp");
        assertArrayEquals(afterFirstSection(before), afterFirstSection(stored), "properties, application properties and body");
    }

    private static List<String> keys(Message read) {
        return read.getMessageAnnotations().getValue().keySet().stream().map(Symbol::toString).toList();
    }

    /** The bytes after the first section, which is the message annotations in both. */
    private static byte[] afterFirstSection(byte[] encoded) {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        ByteBuffer buffer = ByteBuffer.wrap(encoded);
        decoder.setByteBuffer(buffer);
        assertEquals(MessageAnnotations.class, decoder.readObject().getClass());
        return Arrays.copyOfRange(encoded, buffer.position(), encoded.length);
    }

    /** The face's encoding before it wrote the sections itself: a Proton message, encoded whole. */
    private static final class Before {
        static byte[] telemetry(Map<String, String> bag, boolean retain, byte[] payload, TelemetryIngest.Stamp stamp) {
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
                application.put(PropertyBagMessages.RETAIN, "true");
            }
            message.setProperties(properties);
            if (!application.isEmpty()) {
                message.setApplicationProperties(new ApplicationProperties(application));
            }
            Map<Symbol, Object> annotations = new HashMap<>();
            annotations.put(Symbol.valueOf("iothub-connection-device-id"), stamp.deviceId());
            if (stamp.moduleId() != null) {
                annotations.put(Symbol.valueOf("iothub-connection-module-id"), stamp.moduleId());
            }
            annotations.put(Symbol.valueOf("iothub-connection-auth-method"), stamp.authMethod());
            annotations.put(Symbol.valueOf("iothub-connection-auth-generation-id"), stamp.generationId());
            annotations.put(Symbol.valueOf("iothub-message-source"), stamp.messageSource());
            annotations.put(Symbol.valueOf("x-opt-sequence-number"), stamp.sequenceNumber());
            annotations.put(Symbol.valueOf("x-opt-offset"), Long.toString(stamp.offset()));
            annotations.put(Symbol.valueOf("iothub-enqueuedtime"), new Date(stamp.enqueuedTime()));
            annotations.put(Symbol.valueOf("x-opt-enqueued-time"), new Date(stamp.enqueuedTime()));
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
                return null;
            }
        }
    }
}
