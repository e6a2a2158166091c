package dev.hubsim.telemetry;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.codec.TelemetryBatch;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CountedSize;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched device-to-cloud messages (format 0x80013700, reference/iothub-twin-methods-mqtt.md §6): each Data section of
 * the container is one message, stored as its own event; one outcome settles the container.
 */
class BatchedTelemetryTest {
    private static final int BATCH = (int) TelemetryBatch.FORMAT;
    private static HubSimulator hub;
    private static AmqpTestClient device;
    private static Sender sender;

    @BeforeAll
    static void start() throws Exception {
        hub = HubSimulator.builder().dataDir(dev.hubsim.junit.HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).start();
        device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslMode.plain("device1@sas." + hub.info().hubName(), hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen();
        sender = device.sender(device.session(), "batch", "/devices/device1/messages/events");
    }

    @AfterAll
    static void stop() {
        device.close();
        hub.close();
    }

    @BeforeEach
    void empty() {
        assertInstanceOf(Accepted.class, device.send(sender, message("marker", 8)));
    }

    @Test
    void eachMessageOfABatchIsItsOwnEventStampedAndNumberedOnItsOwn() {
        int before = hub.telemetry("device1").size();
        byte[] batch = batch(encoded(message("m1", 10)), encoded(message("m2", 20)), encoded(message("m3", 30)));
        assertInstanceOf(Accepted.class, device.sendEncoded(sender, batch, BATCH));
        List<RecordedTelemetry> stored = hub.telemetry("device1");
        List<RecordedTelemetry> events = stored.subList(before, stored.size());
        assertEquals(List.of("m1", "m2", "m3"), events.stream().map(e -> String.valueOf(e.message().getMessageId())).toList());
        assertEquals(List.of(10, 20, 30), events.stream().map(e -> e.body().length).toList());
        long first = (Long) events.get(0).annotations().get("x-opt-sequence-number");
        for (int i = 0; i < 3; i++) {
            Map<String, Object> a = events.get(i).annotations();
            assertEquals(first + i, a.get("x-opt-sequence-number"), "numbered on its own");
            assertEquals("device1", a.get("iothub-connection-device-id"), "stamped on its own");
            assertEquals("color-" + (i + 1), events.get(i).applicationProperties().get("color"));
        }
    }

    @Test
    void aBatchOfOneIsOneEventAsTheCSdkSendsEveryMessage() {
        int before = hub.telemetry("device1").size();
        assertInstanceOf(Accepted.class, device.sendEncoded(sender, batch(encoded(message("only", 5))), BATCH));
        assertEquals(before + 1, hub.telemetry("device1").size());
    }

    @Test
    void innerSectionsInTheCSdksOrderAreRead() {
        // properties, application-properties, message-annotations, data (uamqp_messaging.c), not the specification's order
        Properties p = new Properties();
        p.setMessageId("c-order");
        byte[] inner = sections(p, new ApplicationProperties(Map.of("k", "v")),
                new MessageAnnotations(Map.of(Symbol.valueOf("x-custom"), "a")), new Data(new Binary("body".getBytes(StandardCharsets.UTF_8))));
        assertInstanceOf(Accepted.class, device.sendEncoded(sender, batch(inner), BATCH));
        RecordedTelemetry last = hub.telemetry("device1").get(hub.telemetry("device1").size() - 1);
        assertEquals("c-order", last.message().getMessageId());
        assertEquals("v", last.applicationProperties().get("k"));
        assertEquals("a", last.annotations().get("x-custom"));
        assertEquals("body", new String(last.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aMalformedInnerSectionRefusesTheWholeBatchAndNothingIsStored() {
        int before = hub.telemetry("device1").size();
        byte[] batch = batch(encoded(message("good", 10)), new byte[]{0x00, 0x53, 0x75, (byte) 0xa0, 0x7f, 1, 2});
        Rejected rejected = assertInstanceOf(Rejected.class, device.sendEncoded(sender, batch, BATCH));
        assertEquals(Symbol.valueOf("amqp:decode-error"), rejected.getError().getCondition());
        assertTrue(rejected.getError().getDescription().startsWith("Data section 2 of the batch is not an encoded AMQP message"),
                rejected.getError().getDescription());
        assertEquals(before, hub.telemetry("device1").size(), "nothing of the batch is stored");
        assertInstanceOf(Accepted.class, device.send(sender, message("after", 3)), "the link keeps working");
    }

    @Test
    void aBatchWithoutDataSectionsIsRefused() {
        Rejected rejected = assertInstanceOf(Rejected.class, device.sendEncoded(sender,
                sections(new org.apache.qpid.proton.amqp.messaging.AmqpValue("not a batch")), BATCH));
        assertEquals(Symbol.valueOf("amqp:decode-error"), rejected.getError().getCondition());
    }

    @Test
    void theSizeLimitCountsTheWholeBatch() {
        int half = 128 * 1024;
        int before = hub.telemetry("device1").size();
        byte[] atLimit = batch(encoded(CountedSize.pad(Proton.message(), half)), encoded(CountedSize.pad(Proton.message(), half)));
        assertInstanceOf(Accepted.class, device.sendEncoded(sender, atLimit, BATCH), "256 KB counted over the batch");
        byte[] over = batch(encoded(CountedSize.pad(Proton.message(), half)), encoded(CountedSize.pad(Proton.message(), half + 1)));
        Rejected rejected = assertInstanceOf(Rejected.class, device.sendEncoded(sender, over, BATCH));
        assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), rejected.getError().getCondition());
        assertEquals("The device-to-cloud message is 262145 bytes; the hub accepts at most 262144.", rejected.getError().getDescription());
        assertEquals(before + 2, hub.telemetry("device1").size(), "the two at the limit, nothing of the one over");
    }

    private static Message message(String id, int bodyBytes) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setApplicationProperties(new ApplicationProperties(Map.of("color", "color-" + id.replaceAll("\\D", ""))));
        m.setBody(new Data(new Binary(new byte[bodyBytes])));
        return m;
    }

    private static byte[] encoded(Message m) {
        return AmqpTestClient.encodeForTest(m);
    }

    /** A container: one Data section per encoded message. */
    private static byte[] batch(byte[]... inner) {
        return sections(Arrays.stream(inner).map(b -> new Data(new Binary(b))).toArray(Section[]::new));
    }

    private static byte[] sections(Section... sections) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ByteBuffer buffer = ByteBuffer.allocate(2 * 1024 * 1024);
        encoder.setByteBuffer(buffer);
        for (Section s : sections) {
            encoder.writeObject(s);
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
