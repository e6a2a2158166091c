package dev.hubsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Released;
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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI with {@code --persistent}, killed with SIGKILL while a device sends telemetry, a service sends
 * cloud-to-device messages, a device completes, abandons and holds them, and a registry client creates and deletes
 * devices ({@link InFlightLoad}), then restarted on the same data directory: nothing it acknowledged is lost or
 * doubled (telemetry, queued and in-flight cloud-to-device messages with their delivery counts, pending feedback,
 * registry changes), what was in flight is there once or not at all, and sequence numbers and offsets go on without
 * reuse.
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
            "  - deviceId: " + InFlightLoad.C2D_DEVICE,
            "cloudToDevice:",
            "  feedbackIntervalAsIso8601: PT0.5S",
            "  lockTimeoutAsIso8601: PT10M", // held deliveries stay locked until the kill, however slow the machine
            "");
    private static final int QUEUED = 20;
    /** Picks the kill's moment (see {@link InFlightLoad#awaitMoreTelemetry}); printed, and replayed with -Dhubsim.kill9.seed. */
    private static final long SEED = Long.getLong("hubsim.kill9.seed", System.nanoTime());
    /** One HTTPS client per simulator process (by port), shared by the registry calls. */
    private static final Map<Integer, HttpClient> HTTP = new ConcurrentHashMap<>();
    private static final int COMPLETED_BEFORE_KILL = 5;

    @Test
    void aKilledSimulatorLosesNothingItAcknowledged(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, CONFIG);
        List<String> sentC2d = new ArrayList<>();
        Set<String> completedBeforeKill = new HashSet<>();
        String addedDeviceKey;
        long killedAfterMillis;
        long loadMillis;
        InFlightLoad load;
        try (SimulatorProcess cli = start(config, data, dir.resolve("info-1.json"))) {
            SimulatorInfo info = SimulatorInfo.readFrom(dir.resolve("info-1.json"));
            addedDeviceKey = createDevice(info, "added-before-kill");
            assertEquals(204, registry(info, "DELETE", "/devices/device3", null).statusCode());

            // Settled state: 20 messages queued for device2, 5 of them completed, their feedback pending.
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

            // Work in flight: the process is killed under all of it.
            load = new InFlightLoad(info);
            long loadStarted = System.nanoTime();
            load.start();
            load.awaitProgress(Duration.ofSeconds(90));
            int more = new java.util.Random(SEED).nextInt(200) + 1;
            load.awaitMoreTelemetry(more, Duration.ofSeconds(30));
            killedAfterMillis = cli.sinceStart().toMillis();
            loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStarted);
            load.killing();
            cli.kill();
            load.awaitEnd(Duration.ofSeconds(30));
        }

        Path info2 = dir.resolve("info-2.json");
        long restartStarted = System.nanoTime();
        try (SimulatorProcess cli = start(config, data, info2)) {
            long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStarted);
            SimulatorInfo info = SimulatorInfo.readFrom(info2);

            // Registry changes survived: the added device connects with its key, the deleted one is gone; every
            // creation and deletion answered before the kill holds (the one in flight may have happened or not).
            try (AmqpTestClient added = device(info, "added-before-kill", addedDeviceKey)) {
                assertEquals(Sasl.SaslOutcome.PN_SASL_OK, added.saslOutcome());
            }
            assertEquals(404, registry(info, "GET", "/devices/device3", null).statusCode());
            int registryChecked = checkRegistry(info, load);

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

            // Cloud-to-device messages in flight: what the hub accepted and the device had not completed comes back
            // once, with the delivery count of the abandons the hub acknowledged (a lock lost to the kill is no abandon).
            Drained drained = drainLiveDevice(info);
            Map<String, Integer> liveAfter = drained.delivered();
            checkLiveMessages(load, liveAfter);

            // Feedback survived: one Success record for each completed message, before and after the kill, none twice.
            Map<String, String> feedback = readFeedbackUntilSentinel(info);
            Map<String, String> expectedFeedback = new TreeMap<>();
            sentC2d.forEach(id -> expectedFeedback.put(id, "Success"));
            Set<String> liveCompleted = new HashSet<>(load.deliveredBefore);
            liveCompleted.addAll(liveAfter.keySet());
            liveCompleted.addAll(load.c2dAccepted); // every accepted message is completed before the kill or after the restart
            liveCompleted.forEach(id -> expectedFeedback.put(id, "Success"));
            expectedFeedback.put(drained.sentinel(), "Success");
            Set<String> differing = new TreeSet<>(expectedFeedback.keySet());
            differing.addAll(feedback.keySet());
            differing.removeIf(id -> Objects.equals(expectedFeedback.get(id), feedback.get(id)));
            assertEquals(expectedFeedback, new TreeMap<>(feedback), "seed " + SEED + "; differing: " + differing.stream().map(id -> load.history(id, liveAfter)).toList());

            // Telemetry survived: every Accepted message-id stored exactly once, nothing stored twice or unsent;
            // sequence numbers and offsets go on.
            String lateId = "after-restart-" + UUID.randomUUID();
            try (AmqpTestClient device1 = device(info, "device1", key(info, "device1"))) {
                Sender s = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
                assertTrue(device1.send(s, telemetry(lateId)) instanceof Accepted);
            }
            List<Message> events = readAllEvents(info);
            Map<Object, Integer> copies = new HashMap<>();
            events.forEach(e -> copies.merge(e.getMessageId(), 1, Integer::sum));
            for (String id : load.telemetryAccepted) {
                assertEquals(1, copies.getOrDefault(id, 0), "Accepted telemetry " + id + " stored once");
            }
            copies.forEach((id, n) -> {
                assertEquals(1, n, "telemetry " + id + " stored " + n + " times");
                assertTrue(load.telemetrySent.contains(String.valueOf(id)) || lateId.equals(id), "stored but never sent: " + id);
            });
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
            System.out.printf("kill -9 (seed " + SEED + ", settlement in flight " + load.settlementInFlight.get() + ", registry write in flight "
                    + load.registryInFlight.get() + "): load for " + loadMillis + " ms, killed %d ms after start with %d telemetry Accepted (%d sent), %d C2D accepted (%d unanswered), "
                            + "%d completions and %d abandons settled, %d held, %d registry writes answered; restart to ready %d ms; "
                            + "%d events read back, %d + %d C2D redelivered, %d feedback records, %d devices checked%n", killedAfterMillis,
                    load.telemetryAccepted.size(), load.telemetrySent.size(), load.c2dAccepted.size(), load.c2dUnanswered.size(),
                    load.completedAcked.size(), load.abandonsAcked.values().stream().mapToInt(Integer::intValue).sum(), load.held.size(),
                    load.createdAcked.size() + load.deletedAcked.size(), recoveryMillis, events.size(), deliveredAfter.size(),
                    liveAfter.size(), feedback.size(), registryChecked);
        }
    }

    /** Every device the registry client created is there with the key it was given, every one it deleted is gone. */
    private static int checkRegistry(SimulatorInfo info, InFlightLoad load) throws Exception {
        int checked = 0;
        for (Map.Entry<String, String> created : load.createdAcked.entrySet()) {
            String id = created.getKey();
            if (id.equals(load.registryInFlight.get())) {
                continue; // its deletion was in flight
            }
            HttpResponse<String> r = registry(info, "GET", "/devices/" + id, null);
            if (load.deletedAcked.contains(id)) {
                assertEquals(404, r.statusCode(), id + " was deleted before the kill: " + r.body());
            } else {
                assertEquals(200, r.statusCode(), id + " was created before the kill");
                assertEquals(created.getValue(), new ObjectMapper().readTree(r.body()).path("authentication").path("symmetricKey")
                        .path("primaryKey").asText(), id + "'s key");
            }
            checked++;
        }
        String inFlight = load.registryInFlight.get();
        if (inFlight != null) {
            int status = registry(info, "GET", "/devices/" + inFlight, null).statusCode();
            assertTrue(status == 200 || status == 404, inFlight + " (in flight at the kill): " + status);
        }
        return checked;
    }

    /** What the in-flight device got after the restart: message-id to delivery count, up to the sentinel. */
    private record Drained(String sentinel, Map<String, Integer> delivered) {
    }

    /** Takes every message queued for the in-flight device, up to a sentinel sent after the restart (the queue is in order). */
    private static Drained drainLiveDevice(SimulatorInfo info) throws Exception {
        String sentinel = "sentinel-" + UUID.randomUUID();
        try (AmqpTestClient service = service(info)) {
            assertTrue(service.send(service.sender(service.session(), "c2d", "/messages/devicebound"),
                    c2dMessage(sentinel, InFlightLoad.C2D_DEVICE)) instanceof Accepted);
        }
        Map<String, Integer> delivered = new HashMap<>();
        try (AmqpTestClient device = device(info, InFlightLoad.C2D_DEVICE, key(info, InFlightLoad.C2D_DEVICE))) {
            Receiver receiver = device.receiver(device.session(), "c2d", "/devices/" + InFlightLoad.C2D_DEVICE + "/messages/devicebound", 50);
            while (true) {
                AmqpTestClient.Received r = device.receiveUnsettled(receiver);
                device.settle(r, Accepted.getInstance());
                String id = String.valueOf(r.message().getMessageId());
                if (id.equals(sentinel)) {
                    device.roundTrip(); // every completion handled before the connection closes
                    return new Drained(sentinel, delivered);
                }
                int count = ((Number) annotation(r.message(), "iothub-deliverycount")).intValue();
                assertEquals(null, delivered.put(id, count), id + " delivered twice after the restart");
            }
        }
    }

    private static void checkLiveMessages(InFlightLoad load, Map<String, Integer> liveAfter) {
        Map.Entry<String, DeliveryState> inFlight = load.settlementInFlight.get();
        String settling = inFlight == null ? null : inFlight.getKey();
        Set<String> mustCome = new TreeSet<>(load.c2dAccepted);
        mustCome.removeAll(load.completedAcked);
        mustCome.remove(settling);
        Set<String> mayCome = new TreeSet<>(mustCome);
        mayCome.addAll(load.c2dUnanswered);
        if (settling != null) {
            mayCome.add(settling);
        }
        Set<String> missing = new TreeSet<>(mustCome);
        missing.removeAll(liveAfter.keySet());
        assertEquals(Set.of(), missing, "accepted by the hub, not completed, and lost across the kill");
        Set<String> unexpected = new TreeSet<>(liveAfter.keySet());
        unexpected.removeAll(mayCome);
        assertEquals(Set.of(), unexpected, "delivered after the restart though completed before the kill or never sent");
        assertTrue(liveAfter.keySet().containsAll(load.held.keySet()), "every delivery held at the kill comes back: " + load.held.keySet());
        liveAfter.forEach((id, count) -> {
            int acked = load.abandonsAcked.getOrDefault(id, 0);
            boolean abandonInFlight = id.equals(settling) && inFlight.getValue() instanceof Released;
            assertTrue(count == acked || abandonInFlight && count == acked + 1,
                    id + ": iothub-deliverycount " + count + " after the restart, " + acked + " abandons acknowledged before the kill");
        });
        assertTrue(load.held.values().stream().anyMatch(c -> c == 1), "a once-abandoned message was held: its count 1 must survive");
    }

    static SimulatorProcess start(Path config, Path data, Path info) throws Exception {
        SimulatorProcess cli = new SimulatorProcess("--config", config.toString(), "--data-dir", data.toString(), "--persistent",
                "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0", "--https-port", "0", "--info-file", info.toString());
        cli.awaitLine("hubsim ready", START_TIMEOUT);
        return cli;
    }

    static Message telemetry(String id) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setBody(new Data(new Binary(new byte[128])));
        return m;
    }

    static Message c2dMessage(String id, String deviceId) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("iothub-ack", "full");
        m.setApplicationProperties(new ApplicationProperties(props));
        m.setBody(new Data(new Binary(id.getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    static String key(SimulatorInfo info, String deviceId) {
        return info.devices().stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().orElseThrow().primaryKey();
    }

    private static String policyKey(SimulatorInfo info, String name) {
        return info.policies().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().primaryKey();
    }

    static AmqpTestClient device(SimulatorInfo info, String deviceId, String key) throws Exception {
        String token = SasTokens.create(info.hostName() + "/devices/" + deviceId, key, Instant.now().plusSeconds(600), null);
        return AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info),
                SaslChoice.plain(deviceId + "@sas." + info.hubName(), token)).awaitOpen();
    }

    static AmqpTestClient service(SimulatorInfo info) throws Exception {
        String token = SasTokens.create(info.hostName(), policyKey(info, "service"), Instant.now().plusSeconds(600), "service");
        return AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info),
                SaslChoice.plain("service@sas.root." + info.hubName(), token)).awaitOpen();
    }

    /**
     * Every feedback record (original message-id to status) up to that of a sentinel completed after everything else;
     * a message with two records fails.
     */
    private static Map<String, String> readFeedbackUntilSentinel(SimulatorInfo info) throws Exception {
        String sentinel = "feedback-sentinel-" + UUID.randomUUID();
        Map<String, String> byMessage = new HashMap<>();
        try (AmqpTestClient service = service(info)) {
            Receiver receiver = service.receiver(service.session(), "feedback", "/messages/serviceBound/feedback", 10);
            assertTrue(service.send(service.sender(service.session(), "c2d", "/messages/devicebound"), c2dMessage(sentinel, "device2")) instanceof Accepted);
            try (AmqpTestClient device2 = device(info, "device2", key(info, "device2"))) {
                Receiver inbox = device2.receiver(device2.session(), "c2d", "/devices/device2/messages/devicebound", 1);
                AmqpTestClient.Received r = device2.receiveUnsettled(inbox);
                assertEquals(sentinel, r.message().getMessageId());
                device2.settle(r, Accepted.getInstance());
                device2.roundTrip();
            }
            while (!byMessage.containsKey(sentinel)) {
                AmqpTestClient.Received r = service.receiveUnsettled(receiver);
                Binary body = ((Data) r.message().getBody()).getValue();
                for (var record : new ObjectMapper().readTree(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8))) {
                    String previous = byMessage.put(record.path("originalMessageId").asText(), record.path("statusCode").asText());
                    assertEquals(null, previous, "one feedback record per message: " + record);
                }
                service.settle(r, Accepted.getInstance());
            }
        }
        byMessage.remove(sentinel);
        return byMessage;
    }

    /** Every event of device1's partition, in order, read over the Event Hub-compatible endpoint from its start. */
    private static List<Message> readAllEvents(SimulatorInfo info) throws Exception {
        String audience = "amqp://" + hostOf(info.eventHubCompatibleEndpoint()) + "/" + info.eventHubCompatibleName();
        String token = SasTokens.createForEventHubs(audience, policyKey(info, "service"), Instant.now().plusSeconds(600), "service");
        try (AmqpTestClient client = AmqpTestClient.tls(info.ports().get("amqps"), ExportedTrust.sslContext(info), SaslChoice.anonymous()).awaitOpen()) {
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

    static HttpResponse<String> registry(SimulatorInfo info, String method, String path, String body) throws Exception {
        HttpClient client = HTTP.get(info.ports().get("https"));
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(info)).build();
            HttpClient raced = HTTP.putIfAbsent(info.ports().get("https"), client);
            client = raced == null ? client : raced;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + info.ports().get("https") + path + "?api-version=2021-04-12"))
                .timeout(Duration.ofSeconds(30))
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
