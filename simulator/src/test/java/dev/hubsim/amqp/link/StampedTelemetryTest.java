package dev.hubsim.amqp.link;

import dev.hubsim.codec.Messages;
import dev.hubsim.codec.StampSection;
import dev.hubsim.telemetry.TelemetryIngest;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The stored bytes: the hub's stamp over the device's annotations, every other section byte for byte as sent. */
class StampedTelemetryTest {
    private static final TelemetryIngest.Stamp DEVICE = new TelemetryIngest.Stamp("dev-1", null, "{\"scope\":\"device\"}", "gen-7", 41, 1234, 1_700_000_000_123L);

    @Test
    void theStampReplacesSpoofedAnnotationsAndKeepsTheDevicesOthersAndEveryOtherSectionExactly() {
        Message sent = fullMessage();
        Map<Symbol, Object> deviceAnnotations = new LinkedHashMap<>();
        deviceAnnotations.put(Symbol.valueOf("x-custom"), "kept");
        deviceAnnotations.put(Symbol.valueOf("iothub-connection-device-id"), "someone-else");
        deviceAnnotations.put(Symbol.valueOf("iothub-connection-module-id"), "spoofed-module");
        sent.setMessageAnnotations(new MessageAnnotations(deviceAnnotations));
        sent.setDeliveryAnnotations(new DeliveryAnnotations(Map.of(Symbol.valueOf("x-hop"), "dropped")));
        byte[] wire = Messages.encode(sent);

        byte[] stored = new StampedTelemetry().encode(buffer(wire, 0), DEVICE);

        Message read = Messages.decode(stored);
        assertEquals(List.of("x-custom", "iothub-connection-device-id", "iothub-connection-auth-method", "iothub-connection-auth-generation-id",
                "iothub-message-source", "x-opt-sequence-number", "x-opt-offset", "iothub-enqueuedtime", "x-opt-enqueued-time"),
                read.getMessageAnnotations().getValue().keySet().stream().map(Symbol::toString).toList());
        Map<Symbol, Object> a = read.getMessageAnnotations().getValue();
        assertEquals("kept", a.get(Symbol.valueOf("x-custom")));
        assertEquals("dev-1", a.get(Symbol.valueOf("iothub-connection-device-id")));
        assertFalse(a.containsKey(Symbol.valueOf("iothub-connection-module-id")), "a device's own module id is not kept");
        assertEquals("{\"scope\":\"device\"}", a.get(Symbol.valueOf("iothub-connection-auth-method")));
        assertEquals("gen-7", a.get(Symbol.valueOf("iothub-connection-auth-generation-id")));
        assertEquals("Telemetry", a.get(Symbol.valueOf("iothub-message-source")));
        assertEquals(41L, a.get(Symbol.valueOf("x-opt-sequence-number")));
        assertEquals("1234", a.get(Symbol.valueOf("x-opt-offset")));
        assertEquals(new Date(1_700_000_000_123L), a.get(Symbol.valueOf("iothub-enqueuedtime")));
        assertEquals(new Date(1_700_000_000_123L), a.get(Symbol.valueOf("x-opt-enqueued-time")));
        assertNull(read.getDeliveryAnnotations(), "delivery annotations are per hop");
        assertEquals(UnsignedInteger.valueOf(5), read.getHeader().getDeliveryCount());
        assertEquals(Boolean.TRUE, read.getHeader().getDurable());

        sent.setDeliveryAnnotations(null);
        sent.setMessageAnnotations(null);
        byte[] header = Messages.encode(headerOnly(sent));
        byte[] tail = Messages.encode(withoutHeader(sent));
        assertArrayEquals(header, Arrays.copyOfRange(stored, 0, header.length), "the header as sent");
        assertArrayEquals(tail, Arrays.copyOfRange(stored, stored.length - tail.length, stored.length),
                "properties, application properties, body and footer as sent");
    }

    @Test
    void aModuleStampOnABareMessageAtAnOffsetInItsBuffer() {
        Message sent = Proton.message();
        sent.setBody(new Data(new Binary(new byte[]{1, 2, 3})));
        byte[] wire = Messages.encode(sent);
        byte[] padded = new byte[wire.length + 7];
        System.arraycopy(wire, 0, padded, 7, wire.length);
        TelemetryIngest.Stamp module = new TelemetryIngest.Stamp("dev-1", "mod-2", "{}", "gen", 0, 0, 5);

        Message read = Messages.decode(new StampedTelemetry().encode(buffer(padded, 7), module));

        assertEquals(StampSection.stamped(null, module), read.getMessageAnnotations().getValue(),
                "the same entries, values and types as a map encoded whole");
        assertEquals(List.of("iothub-connection-device-id", "iothub-connection-module-id", "iothub-connection-auth-method",
                "iothub-connection-auth-generation-id", "iothub-message-source", "x-opt-sequence-number", "x-opt-offset", "iothub-enqueuedtime",
                "x-opt-enqueued-time"), read.getMessageAnnotations().getValue().keySet().stream().map(Symbol::toString).toList());
        assertEquals(0L, read.getMessageAnnotations().getValue().get(Symbol.valueOf("x-opt-sequence-number")));
        assertNull(read.getHeader());
        assertArrayEquals(new byte[]{1, 2, 3}, Messages.body(read));
    }

    @Test
    void oneLinkStampsManyMessagesAndANewSenderIdentity() {
        StampedTelemetry link = new StampedTelemetry();
        Message sent = fullMessage();
        byte[] wire = Messages.encode(sent);
        for (long n = 0; n < 3; n++) {
            TelemetryIngest.Stamp stamp = new TelemetryIngest.Stamp("dev-1", null, "{}", n < 2 ? "gen-1" : "gen-2", n, 100 * n, 1000 + n);
            Message read = Messages.decode(link.encode(buffer(wire, 0), stamp));
            assertEquals(StampSection.stamped(null, stamp), read.getMessageAnnotations().getValue(), "message " + n);
            assertArrayEquals(Messages.body(sent), Messages.body(read));
            assertEquals(sent.getApplicationProperties().getValue(), read.getApplicationProperties().getValue());
        }
    }

    private static ReadableBuffer buffer(byte[] bytes, int position) {
        return ReadableBuffer.ByteBufferReader.wrap(ByteBuffer.wrap(bytes).position(position));
    }

    private static Message fullMessage() {
        Message m = Proton.message();
        Header header = new Header();
        header.setDurable(true);
        header.setDeliveryCount(UnsignedInteger.valueOf(5));
        m.setHeader(header);
        Properties properties = new Properties();
        properties.setMessageId("m-1");
        properties.setCorrelationId(UnsignedInteger.valueOf(9));
        properties.setContentType(Symbol.valueOf("application/json"));
        m.setProperties(properties);
        m.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(Map.of("temperature", 21))));
        m.setBody(new Data(new Binary("{\"t\":21}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        m.setFooter(new Footer(Map.of(Symbol.valueOf("x-footer"), "f")));
        return m;
    }

    private static Message headerOnly(Message m) {
        Message h = Proton.message();
        h.setHeader(m.getHeader());
        return h;
    }

    private static Message withoutHeader(Message m) {
        Message copy = Proton.message();
        copy.setProperties(m.getProperties());
        copy.setApplicationProperties(m.getApplicationProperties());
        copy.setBody(m.getBody());
        copy.setFooter(m.getFooter());
        return copy;
    }
}
