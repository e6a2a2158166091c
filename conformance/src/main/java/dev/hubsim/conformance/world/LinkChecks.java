package dev.hubsim.conformance.world;

import dev.hubsim.probe.ProbeConnection;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.message.Message;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/** Links and device telemetry (reference/iothub-amqp.md §4, §8.1): attaches, refusals, transfers and their outcomes. */
public final class LinkChecks {
    private final HubWorld w;
    /** The telemetry messages sent in this scenario, in order. */
    final List<Message> sentTelemetry = new ArrayList<>();

    LinkChecks(HubWorld world) {
        this.w = world;
    }

    public void attachSender(String address) {
        w.sender = w.connection().sender(w.session(), "probe-sender-" + UUID.randomUUID(), w.expand(address));
        w.attach = w.connection().awaitAttach(w.sender);
    }

    /** A sender whose attach carries one property, e.g. {@code com.microsoft:api-version}. */
    public void attachSenderWithProperty(String address, String key, String value) {
        w.sender = w.connection().sender(w.session(), "probe-sender-" + UUID.randomUUID(), w.expand(address),
                java.util.Map.of(org.apache.qpid.proton.amqp.Symbol.valueOf(key), value));
        w.attach = w.connection().awaitAttach(w.sender);
    }

    public void expectAttached(String address) {
        attachSender(address);
        w.verdicts.expect(w.attach.attached(), "attach of " + w.expand(address), "attached", HubWorld.describe(w.attach));
    }

    public void expectRefused(String condition) {
        w.verdicts.expect(!w.attach.attached() && condition.equals(w.attach.condition()), "attach refusal", condition, HubWorld.describe(w.attach));
    }

    public void expectRefusedWithDescription(String condition, String prefix) {
        expectRefused(condition);
        w.verdicts.expect(w.attach.description() != null && w.attach.description().startsWith(prefix), "refusal description", prefix + "...",
                w.attach.description());
    }

    public void expectRefusalFraming() {
        w.verdicts.expect(w.attach.remoteTerminusNull() && !w.attach.attached(), "refusal framing",
                "attach with a null target, then a closing detach", HubWorld.describe(w.attach));
    }

    /** Sends a telemetry message with a message-id and a Data body of {@code bytes} bytes, and waits for its outcome. */
    public void sendTelemetry(int bytes) {
        Message message = Proton.message();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(new Data(new Binary(new byte[bytes])));
        send(message);
    }

    /** Telemetry with the properties the seed's sample names and application properties of three types. */
    public void sendTelemetryWithEveryProperty() {
        Message message = Proton.message();
        Properties p = new Properties();
        p.setMessageId(UUID.randomUUID().toString());
        p.setCorrelationId("correlation-" + UUID.randomUUID());
        p.setContentType(Symbol.valueOf("application/json"));
        p.setContentEncoding(Symbol.valueOf("utf-8"));
        p.setSubject("a subject");
        p.setCreationTime(new Date(System.currentTimeMillis() / 1000 * 1000));
        message.setProperties(p);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("temperature", "21.5");
        app.put("count", 42);
        app.put("alarm", false);
        message.setApplicationProperties(new ApplicationProperties(app));
        message.setBody(new Data(new Binary("{\"temperature\":21.5}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        send(message);
    }

    /** A message with no properties at all and a Data body: its documented size is the body's length. */
    public void sendTelemetryOfCountedSize(int bytes) {
        Message message = Proton.message();
        MessageSizes.bodyForCountedSize(message, bytes);
        send(message);
    }

    /**
     * Sends {@code count} telemetry messages as one batch (message format 0x80013700, reference/iothub-amqp.md §8.2):
     * each message encoded whole into a Data section of the container, as the .NET SDK's SendEventBatchAsync does.
     */
    public void sendBatch(int count) {
        java.io.ByteArrayOutputStream container = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            Message message = Proton.message();
            message.setMessageId(UUID.randomUUID().toString());
            message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(Map.of("position-in-batch", Integer.toString(i + 1)))));
            message.setBody(new Data(new Binary(("batched message " + (i + 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            sentTelemetry.add(message);
            Message section = Proton.message();
            section.setBody(new Data(new Binary(ProbeConnection.encode(message))));
            byte[] encoded = ProbeConnection.encode(section);
            container.write(encoded, 0, encoded.length);
        }
        Delivery delivery = w.connection().send(w.sender, container.toByteArray(), BATCH_FORMAT);
        w.transferOutcome(w.connection().awaitOutcome(delivery));
    }

    /** AMQPNET's AmqpBatchedMessageFormat. */
    private static final int BATCH_FORMAT = 0x80013700;

    void send(Message message) {
        sentTelemetry.add(message);
        Delivery delivery = w.connection().send(w.sender, message);
        w.transferOutcome(w.connection().awaitOutcome(delivery));
    }

    Message lastTelemetry() {
        return sentTelemetry.get(sentTelemetry.size() - 1);
    }

    public void sendTelemetryExpecting(int bytes, String outcome) {
        sendTelemetry(bytes);
        w.expectOutcome(outcome);
    }

    public void expectCreditAtLeast(int credit) {
        int observed = w.connection().awaitCredit(w.sender, credit);
        w.verdicts.expect(observed >= credit, "credit on the telemetry sender", ">= " + credit, observed);
    }

    public void expectCreditExactly(int credit) {
        int observed = w.connection().awaitCredit(w.sender, 1);
        w.verdicts.expectEqual("credit on the telemetry sender", credit, observed);
    }

    public void expectLinkDetached(String condition, String prefix) {
        ErrorCondition error = w.connection().awaitDetached(w.sender);
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        w.verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition()))
                && error.getDescription() != null && error.getDescription().startsWith(prefix), "detach error", condition + " '" + prefix + "...'", observed);
    }

    public void expectStillAttached() {
        boolean detached = w.connection().isRemotelyDetached(w.sender);
        w.verdicts.expect(!detached, "state of the link", "still attached", detached ? "detached: " + w.connection().awaitDetached(w.sender) : "");
    }
}
