package dev.hubsim.testing;

import dev.hubsim.HubSimulator;
import dev.hubsim.probe.ConnectionString;
import dev.hubsim.probe.EventHubProbe;
import dev.hubsim.probe.SasTokens;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.registry.SharedAccessPolicy;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test-side Event Hubs: the audience, tokens, filters and receivers the way the Event Hubs clients build them. */
public final class EventHubs {
    public static final Symbol SELECTOR_FILTER = EventHubProbe.SELECTOR_FILTER;
    public static final Symbol EPOCH = EventHubProbe.EPOCH;

    private EventHubs() {
    }

    /** {@code amqp://{host}/{name}}, the audience azure-messaging-eventhubs uses for the whole Event Hub. */
    public static String audience(HubSimulator hub) {
        return "amqp://" + hub.eventHub().settings().hostName() + "/" + hub.eventHub().settings().name();
    }

    public static String token(HubSimulator hub, String policyName, String resource) {
        SharedAccessPolicy policy = hub.hub().registry().policy(policyName).orElseThrow();
        return SasTokens.eventHubToken(resource, new ConnectionString(null, null, policy.name(), policy.primaryKey()),
                hub.clock().instant().plus(Duration.ofHours(1)));
    }

    /** A TLS connection to the Event Hub-compatible endpoint holding a {@code service} claim for the whole Event Hub. */
    public static AmqpTestClient connect(HubSimulator hub) throws Exception {
        AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience(hub), token(hub, "service", audience(hub)));
        assertEquals(Integer.valueOf(200), reply.statusCode(), String.valueOf(reply.statusDescription()));
        return client;
    }

    public static String partitionAddress(HubSimulator hub, String consumerGroup, String partitionId) {
        return hub.eventHub().settings().name() + "/ConsumerGroups/" + consumerGroup + "/Partitions/" + partitionId;
    }

    /** A source with the start filter as a described value, as azure-messaging-eventhubs sends it; null for none. */
    public static Source source(String address, String filter) {
        return EventHubProbe.source(address, filter);
    }

    public static Receiver receiver(AmqpTestClient client, Session session, String name, String address, String filter, Long epoch, int credit) {
        Map<Symbol, Object> properties = epoch == null ? null : Map.of(EPOCH, epoch);
        return client.receiver(session, name, source(address, filter), properties, null, credit);
    }

    /** A device connection (SASL PLAIN with the device's token) and its telemetry sender. */
    public static Sender deviceSender(AmqpTestClient client, HubSimulator hub, String deviceId) {
        return client.sender(client.session(), "telemetry-" + deviceId, "/devices/" + deviceId + "/messages/events");
    }

    public static AmqpTestClient device(HubSimulator hub, String deviceId) throws Exception {
        return AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain(deviceId + "@sas." + hub.hub().name(), hub.deviceToken(deviceId, Duration.ofHours(1)))).awaitOpen();
    }

    public static Message telemetry(String body, Map<String, Object> applicationProperties) {
        Message m = Proton.message();
        m.setMessageId(UUID.randomUUID().toString());
        m.setContentType("text/plain");
        m.setBody(new Data(AmqpTestClient.binary(body)));
        if (applicationProperties != null) {
            m.setApplicationProperties(new ApplicationProperties(applicationProperties));
        }
        return m;
    }

    public static String body(Message m) {
        Data data = (Data) m.getBody();
        return new String(data.getValue().getArray(), data.getValue().getArrayOffset(), data.getValue().getLength(), StandardCharsets.UTF_8);
    }

    public static Object annotation(Message m, String name) {
        return m.getMessageAnnotations().getValue().get(Symbol.valueOf(name));
    }

    public static long sequenceNumber(Message m) {
        return (Long) annotation(m, "x-opt-sequence-number");
    }

    public static String offset(Message m) {
        return (String) annotation(m, "x-opt-offset");
    }

    public static Date enqueuedTime(Message m) {
        return (Date) annotation(m, "x-opt-enqueued-time");
    }
}
