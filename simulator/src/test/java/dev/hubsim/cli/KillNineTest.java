package dev.hubsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI with {@code --persistent}, killed with SIGKILL while a device sends telemetry, then restarted on the same data
 * directory: nothing it acknowledged is lost (telemetry, queued cloud-to-device messages, pending feedback, registry
 * changes) and sequence numbers and offsets go on without reuse.
 */
class KillNineTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONFIG = String.join("\n",
            "name: simhub",
            "hostNames: [127.0.0.1, localhost]",
            "devices:",
            "  - deviceId: device1",
            "  - deviceId: device2",
            "  - deviceId: device3",
            "cloudToDevice:",
            "  feedbackIntervalAsIso8601: PT0.5S",
            "");
    private static final int QUEUED = 20;
    private static final int COMPLETED_BEFORE_KILL = 5;

    @Test
    void aKilledSimulatorLosesNothingItAcknowledged(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, CONFIG);
        Set<String> acceptedTelemetry = ConcurrentHashMap.newKeySet();
        List<String> sentC2d = new ArrayList<>();
        Set<String> completedBeforeKill = new HashSet<>();
        String addedDeviceKey;
        long killedAfterMillis;
        try (SimulatorProcess cli = start(config, data, dir.resolve("info-1.json"))) {
            SimulatorInfo info = SimulatorInfo.readFrom(dir.resolve("info-1.json"));
            addedDeviceKey = createDevice(info, "added-before-kill");
            assertEquals(204, registry(info, "DELETE", "/devices/device3", null).statusCode());

            try (AmqpTestClient service = service(info)) {
                Sender c2d = service.sender(service.session(), "c2d", "/messages/devicebound");
                for (int i = 0; i < QUEUED; i++) {
                    String id = "c2d-" + i;
                    assertTrue(service.send(c2d, c2dMessage(id, "device2")) instanceof Accepted, id);
                    sentC2d.add(id);
                }
            }
            try (AmqpTestClient device2 = device(info, "device2", key(info, "device2"))) {
                Receiver receiver = device2.receiver(device2.session(), "c2d", "/devices/device2/messages/devicebound", COMPLETED_BEFORE_KILL);
                for (int i = 0; i < COMPLETED_BEFORE_KILL; i++) {
                    AmqpTestClient.Received r = device2.receiveUnsettled(receiver);
                    device2.settle(r, Accepted.getInstance());
                    completedBeforeKill.add(String.valueOf(r.message().getMessageId()));
                }
                device2.roundTrip();
            }

            // A device keeps sending while the process is killed under it.
            CountDownLatch enough = new CountDownLatch(200);
            Thread sender = new Thread(() -> sendUntilKilled(info, acceptedTelemetry, enough), "telemetry-until-killed");
            sender.start();
            assertTrue(enough.await(60, TimeUnit.SECONDS), "200 telemetry messages Accepted before the kill");
            killedAfterMillis = cli.sinceStart().toMillis();
            cli.kill();
            sender.join(TimeUnit.SECONDS.toMillis(30));
        }

        Path info2 = dir.resolve("info-2.json");
        long restartStarted = System.nanoTime();
        try (SimulatorProcess cli = start(config, data, info2)) {
            long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStarted);
            SimulatorInfo info = SimulatorInfo.readFrom(info2);

            // Registry changes survived: the added device connects with its key, the deleted one is gone.
            try (AmqpTestClient added = device(info, "added-before-kill", addedDeviceKey)) {
                assertEquals(Sasl.SaslOutcome.PN_SASL_OK, added.saslOutcome());
            }
            assertEquals(404, registry(info, "GET", "/devices/device3", null).statusCode());

            // Queued cloud-to-device messages survived: exactly those not completed come, each once.
            Set<String> expectedQueued = new HashSet<>(sentC2d);
            expectedQueued.removeAll(completedBeforeKill);
            Set<String> deliveredAfter = new HashSet<>();
            try (AmqpTestClient device2 = device(info, "device2", key(info, "device2"))) {
                Receiver receiver = device2.receiver(device2.session(), "c2d", "/devices/device2/messages/devicebound", QUEUED);
                for (int i = 0; i < expectedQueued.size(); i++) {
                    AmqpTestClient.Received r = device2.receiveUnsettled(receiver);
                    assertTrue(deliveredAfter.add(String.valueOf(r.message().getMessageId())), "delivered twice: " + r.message().getMessageId());
                    device2.settle(r, Accepted.getInstance());
                }
                device2.roundTrip();
                assertTrue(!device2.hasMessage(receiver), "no message beyond the queued ones");
            }
            assertEquals(expectedQueued, deliveredAfter);

            // Pending feedback survived: one Success record for each of the 20 messages, before and after the kill.
            Map<String, String> feedback = readFeedback(info, QUEUED);
            assertEquals(new HashSet<>(sentC2d), feedback.keySet());
            assertTrue(feedback.values().stream().allMatch("Success"::equals), feedback.toString());

            // Telemetry survived: every Accepted message-id stored exactly once; sequence numbers and offsets go on.
            String lateId = "after-restart-" + UUID.randomUUID();
            try (AmqpTestClient device1 = device(info, "device1", key(info, "device1"))) {
                Sender s = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
                assertTrue(device1.send(s, telemetry(lateId)) instanceof Accepted);
            }
            List<Message> events = readAllEvents(info);
            Map<Object, Integer> copies = new HashMap<>();
            events.forEach(e -> copies.merge(e.getMessageId(), 1, Integer::sum));
            for (String id : acceptedTelemetry) {
                assertEquals(1, copies.getOrDefault(id, 0), "Accepted telemetry " + id + " stored once");
            }
            assertEquals(1, copies.getOrDefault(lateId, 0));
            long sequence = -1;
            long offset = -1;
            for (Message e : events) {
                long seq = (Long) annotation(e, "x-opt-sequence-number");
                long off = Long.parseLong((String) annotation(e, "x-opt-offset"));
                assertEquals(sequence + 1, seq, "sequence numbers of device1's partition go on by one, across the restart");
                assertTrue(off > offset, "offsets only grow: " + off + " after " + offset);
                sequence = seq;
                offset = off;
            }
            assertEquals(lateId, events.get(events.size() - 1).getMessageId(), "the message sent after the restart comes last");
            System.out.printf("kill -9: killed %d ms after start with %d telemetry Accepted; restart to ready %d ms; %d events read back, "
                            + "%d C2D redelivered, %d feedback records%n", killedAfterMillis, acceptedTelemetry.size(), recoveryMillis,
                    events.size(), deliveredAfter.size(), feedback.size());
        }
    }

    private static SimulatorProcess start(Path config, Path data, Path info) throws Exception {
        SimulatorProcess cli = new SimulatorProcess("--config", config.toString(), "--data-dir", data.toString(), "--persistent",
                "--amqps-port", "0", "--amqp-port", "0", "--https-port", "0", "--info-file", info.toString());
        cli.awaitLine("hubsim ready", START_TIMEOUT);
        return cli;
    }

    private static void sendUntilKilled(SimulatorInfo info, Set<String> accepted, CountDownLatch enough) {
        try (AmqpTestClient device1 = device(info, "device1", key(info, "device1"))) {
            Sender s = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
            while (!device1.socketClosed()) {
                String id = "before-kill-" + UUID.randomUUID();
                DeliveryState state = device1.send(s, telemetry(id));
                if (state instanceof Accepted) {
                    accepted.add(id);
                    enough.countDown();
                }
            }
        } catch (AssertionError | Exception expected) {
            // The process was killed under the sender: its last transfer has no outcome and does not count.
        }
    }

    private static Message telemetry(String id) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setBody(new Data(new Binary(new byte[128])));
        return m;
    }

    private static Message c2dMessage(String id, String deviceId) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("iothub-ack", "full");
        m.setApplicationProperties(new ApplicationProperties(props));
        m.setBody(new Data(new Binary(id.getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    private static String key(SimulatorInfo info, String deviceId) {
        return info.devices().stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().orElseThrow().primaryKey();
    }

    private static String policyKey(SimulatorInfo info, String name) {
        return info.policies().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().primaryKey();
    }

    private static AmqpTestClient device(SimulatorInfo info, String deviceId, String key) throws Exception {
        String token = SasTokens.create(info.hostName() + "/devices/" + deviceId, key, Instant.now().plusSeconds(600), null);
        return AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info),
                AmqpTestClient.SaslMode.plain(deviceId + "@sas." + info.hubName(), token)).awaitOpen();
    }

    private static AmqpTestClient service(SimulatorInfo info) throws Exception {
        String token = SasTokens.create(info.hostName(), policyKey(info, "service"), Instant.now().plusSeconds(600), "service");
        return AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info),
                AmqpTestClient.SaslMode.plain("service@sas.root." + info.hubName(), token)).awaitOpen();
    }

    private static Map<String, String> readFeedback(SimulatorInfo info, int records) throws Exception {
        Map<String, String> byMessage = new HashMap<>();
        try (AmqpTestClient service = service(info)) {
            Receiver receiver = service.receiver(service.session(), "feedback", "/messages/serviceBound/feedback", 10);
            while (byMessage.size() < records) {
                AmqpTestClient.Received r = service.receiveUnsettled(receiver);
                Binary body = ((Data) r.message().getBody()).getValue();
                for (var record : new ObjectMapper().readTree(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8))) {
                    String previous = byMessage.put(record.path("originalMessageId").asText(), record.path("statusCode").asText());
                    assertEquals(null, previous, "one feedback record per message: " + record);
                }
                service.settle(r, Accepted.getInstance());
            }
        }
        return byMessage;
    }

    /** Every event of device1's partition, in order, read over the Event Hub-compatible endpoint from its start. */
    private static List<Message> readAllEvents(SimulatorInfo info) throws Exception {
        String audience = "amqp://" + hostOf(info.eventHubCompatibleEndpoint()) + "/" + info.eventHubCompatibleName();
        String token = SasTokens.createForEventHubs(audience, policyKey(info, "service"), Instant.now().plusSeconds(600), "service");
        try (AmqpTestClient client = AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info), AmqpTestClient.SaslMode.anonymous()).awaitOpen()) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience, token);
            assertEquals(Integer.valueOf(200), reply.statusCode(), String.valueOf(reply.statusDescription()));
            Session session = client.session();
            List<String> partitions = info.eventHubPartitionIds();
            String partition = partitions.get(EventStore.partitionIndex("device1", partitions.size()));
            Source source = new Source();
            source.setAddress(info.eventHubCompatibleName() + "/ConsumerGroups/$Default/Partitions/" + partition);
            Map<Symbol, Object> filters = new HashMap<>();
            Symbol selector = Symbol.valueOf("apache.org:selector-filter:string");
            filters.put(selector, new UnknownDescribedType(selector, "amqp.annotation.x-opt-offset > '-1'"));
            source.setFilter(filters);
            Receiver receiver = client.receiver(session, "p" + partition, source, null, null, 1000);
            List<Message> events = new ArrayList<>();
            // Until the message sent after the restart, the last one of device1's partition.
            do {
                events.add(client.receive(receiver));
            } while (!String.valueOf(events.get(events.size() - 1).getMessageId()).startsWith("after-restart-"));
            return events;
        }
    }

    private static String hostOf(String endpoint) {
        return URI.create(endpoint).getHost();
    }

    private static Object annotation(Message m, String key) {
        return m.getMessageAnnotations().getValue().get(Symbol.valueOf(key));
    }

    private static String createDevice(SimulatorInfo info, String deviceId) throws Exception {
        HttpResponse<String> r = registry(info, "PUT", "/devices/" + deviceId, "{\"deviceId\":\"" + deviceId + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).path("authentication").path("symmetricKey").path("primaryKey").asText();
    }

    private static HttpResponse<String> registry(SimulatorInfo info, String method, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(info)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + info.ports().get("https") + path + "?api-version=2021-04-12"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", SasTokens.create(info.hostName(), policyKey(info, "iothubowner"), Instant.now().plusSeconds(600), "iothubowner"));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (method.equals("DELETE")) {
            b.header("If-Match", "*");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
