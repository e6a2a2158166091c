package dev.hubsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistence under kill -9: the CLI runs with {@code --persistent} while a device streams telemetry, queued C2D waits
 * for another device and feedback waits for a service; the process is killed with SIGKILL mid-stream and restarted on
 * the same data directory. Nothing the hub acknowledged is lost, and sequence numbers continue without reuse. Two cold
 * JVMs take about 40 s on the build machine, so it is tagged {@code slow}: {@code -Psoak} or {@code -Psoak-long} run it.
 */
@org.junit.jupiter.api.Tag("slow")
class KillNineTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIVE_KEY = java.util.Base64.getEncoder().encodeToString("a-key-for-the-live-device-0123456789".getBytes());

    private static String key(SimulatorInfo info, String deviceId) {
        return info.devices().stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().orElseThrow().primaryKey();
    }

    private static AmqpTestClient device(SimulatorInfo info, String deviceId) throws Exception {
        AmqpTestClient c = AmqpTestClient.plain(info.ports().get("amqp"), SaslMode.anonymous()).awaitOpen();
        new CbsClient(c).putToken(UUID.randomUUID(), "127.0.0.1/devices/" + deviceId,
                SasTokens.create("127.0.0.1/devices/" + deviceId, key(info, deviceId), Instant.now().plusSeconds(3600), null));
        return c;
    }

    private static AmqpTestClient service(SimulatorInfo info) throws Exception {
        AmqpTestClient c = AmqpTestClient.plain(info.ports().get("amqp"), SaslMode.anonymous()).awaitOpen();
        String key = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().primaryKey();
        new CbsClient(c).putToken(UUID.randomUUID(), "127.0.0.1", SasTokens.create("127.0.0.1", key, Instant.now().plusSeconds(3600), "service"));
        return c;
    }

    private static Message c2d(String deviceId, String id, String ack) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        m.setApplicationProperties(new ApplicationProperties(new HashMap<>(Map.of("iothub-ack", ack))));
        m.setBody(new Data(new Binary(id.getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    /** The stored telemetry of a device through the control API: body to sequence number. */
    private static Map<String, Long> stored(SimulatorInfo info, String deviceId) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(info)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + info.ports().get("https") + "/hubsim/telemetry/" + deviceId))
                .header("Authorization", info.controlAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Long> out = new HashMap<>();
        for (JsonNode n : JSON.readTree(r.body())) {
            Long previous = out.put(n.get("body").asText(), n.get("annotations").get("x-opt-sequence-number").asLong());
            assertEquals(null, previous, "stored twice: " + n.get("body").asText());
        }
        return out;
    }

    private static HttpResponse<String> registry(SimulatorInfo info, String method, String deviceId, String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(info)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + info.ports().get("https") + "/devices/" + deviceId
                + "?api-version=2021-04-12")).header("Authorization", info.controlAuthorization());
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.header("If-Match", "*").method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void nothingAcknowledgedIsLostAndSequenceNumbersContinueAfterKillNine(@TempDir Path dir) throws Exception {
        // Feedback batches go out after 1 s instead of 15, so the recovered records come while the test waits.
        Path config = dir.resolve("hub.yaml");
        java.nio.file.Files.writeString(config, "name: simhub\ndevices: [{deviceId: device1}, {deviceId: device2}, {deviceId: device3}]\n"
                + "cloudToDevice: {feedbackIntervalAsIso8601: PT1S}\n");
        String[] args = {"--data-dir", dir.resolve("data").toString(), "--persistent", "--amqps-port", "0", "--amqp-port", "0",
                "--https-port", "0", "--info-file", dir.resolve("info.json").toString(), "--config", config.toString()};
        Set<String> telemetryAcked = ConcurrentHashMap.newKeySet();
        List<String> queuedForDevice2 = new ArrayList<>();
        List<String> completedByDevice3 = new ArrayList<>();
        try (SimulatorProcess first = new SimulatorProcess(args)) {
            first.awaitLine("hubsim ready", START);
            SimulatorInfo info = SimulatorInfo.readFrom(dir.resolve("info.json"));
            // Registry changes over HTTPS: one device created, one created and deleted.
            assertEquals(200, registry(info, "PUT", "created-live", "{\"deviceId\":\"created-live\",\"authentication\":{\"type\":\"sas\","
                    + "\"symmetricKey\":{\"primaryKey\":\"" + LIVE_KEY + "\",\"secondaryKey\":\"" + LIVE_KEY + "\"}}}").statusCode());
            assertEquals(200, registry(info, "PUT", "removed-live", "{\"deviceId\":\"removed-live\"}").statusCode());
            assertEquals(204, registry(info, "DELETE", "removed-live", null).statusCode());
            try (AmqpTestClient service = service(info); AmqpTestClient device3 = device(info, "device3"); AmqpTestClient device1 = device(info, "device1")) {
                Sender outbox = service.sender(service.session(), "c2d", "/messages/devicebound");
                for (int i = 0; i < 30; i++) {
                    assertInstanceOf(Accepted.class, service.send(outbox, c2d("device2", "queued-" + i, "none")));
                    queuedForDevice2.add("queued-" + i);
                }
                for (int i = 0; i < 10; i++) {
                    assertInstanceOf(Accepted.class, service.send(outbox, c2d("device3", "fb-" + i, "full")));
                }
                Receiver inbox = device3.receiver(device3.session(), "c2d", "/devices/device3/messages/devicebound", 10);
                for (int i = 0; i < 10; i++) {
                    AmqpTestClient.Received r = device3.receiveUnsettled(inbox);
                    device3.settle(r, Accepted.getInstance());
                    completedByDevice3.add(String.valueOf(r.message().getMessageId()));
                }
                device3.roundTrip(); // the completions have been handled: their feedback records wait for a service
                Sender telemetry = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
                AtomicBoolean streaming = new AtomicBoolean(true);
                Thread stream = new Thread(() -> {
                    for (int i = 0; streaming.get(); i++) {
                        Message m = Proton.message();
                        m.setBody(new Data(new Binary(("before-kill-" + i).getBytes(StandardCharsets.UTF_8))));
                        try {
                            if (device1.send(telemetry, m) instanceof Accepted) {
                                telemetryAcked.add("before-kill-" + i);
                            }
                        } catch (AssertionError | RuntimeException e) {
                            return; // the process is gone
                        }
                    }
                }, "kill-nine-stream");
                stream.start();
                AmqpTestClient.awaitCondition("telemetry to flow", Duration.ofSeconds(30), () -> telemetryAcked.size() >= 500);
                first.killHard(); // mid-stream
                streaming.set(false);
                stream.join(15_000);
            }
        }
        System.out.println("kill -9 after " + telemetryAcked.size() + " acknowledged telemetry messages, 30 queued C2D, 10 pending feedback records");

        try (SimulatorProcess second = new SimulatorProcess(args)) {
            second.awaitLine("hubsim ready", START);
            System.out.println("restart on the same data directory: ready after " + second.sinceStart().toMillis() + " ms");
            SimulatorInfo info = SimulatorInfo.readFrom(dir.resolve("info.json"));

            Map<String, Long> before = stored(info, "device1");
            Set<String> missing = new HashSet<>(telemetryAcked);
            missing.removeAll(before.keySet());
            assertEquals(Set.of(), missing, "acknowledged telemetry lost in the kill");
            long maxBefore = before.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            assertEquals(before.size(), new HashSet<>(before.values()).size(), "no sequence number used twice");

            try (AmqpTestClient device1 = device(info, "device1"); AmqpTestClient device2 = device(info, "device2");
                 AmqpTestClient service = service(info)) {
                Sender telemetry = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
                for (int i = 0; i < 5; i++) {
                    Message m = Proton.message();
                    m.setBody(new Data(new Binary(("after-restart-" + i).getBytes(StandardCharsets.UTF_8))));
                    assertInstanceOf(Accepted.class, device1.send(telemetry, m));
                }
                Map<String, Long> after = stored(info, "device1");
                for (int i = 0; i < 5; i++) {
                    assertTrue(after.get("after-restart-" + i) > maxBefore, "sequence numbers continue after " + maxBefore);
                }

                Receiver inbox = device2.receiver(device2.session(), "c2d", "/devices/device2/messages/devicebound", 50);
                Set<String> received = new HashSet<>();
                for (int i = 0; i < queuedForDevice2.size(); i++) {
                    received.add(String.valueOf(device2.receive(inbox).getMessageId()));
                }
                assertEquals(new HashSet<>(queuedForDevice2), received, "every queued C2D message survived");

                Receiver feedback = service.receiver(service.session(), "feedback", "/messages/serviceBound/feedback", 10);
                Set<String> reported = new HashSet<>();
                while (reported.size() < completedByDevice3.size()) {
                    Message batch = service.receive(feedback);
                    for (JsonNode record : JSON.readTree(((Data) batch.getBody()).getValue().getArray())) {
                        assertEquals("Success", record.get("statusCode").asText());
                        assertTrue(reported.add(record.get("originalMessageId").asText()), "reported twice: " + record);
                    }
                }
                assertEquals(new HashSet<>(completedByDevice3), reported, "pending feedback survived");

                assertEquals(404, registry(info, "GET", "removed-live", null).statusCode(), "a deletion survived");
                assertEquals(200, registry(info, "GET", "created-live", null).statusCode(), "a creation survived");
                try (AmqpTestClient live = AmqpTestClient.plain(info.ports().get("amqp"), SaslMode.anonymous()).awaitOpen()) {
                    assertEquals(200, new CbsClient(live).putToken(UUID.randomUUID(), "127.0.0.1/devices/created-live",
                            SasTokens.create("127.0.0.1/devices/created-live", LIVE_KEY, Instant.now().plusSeconds(600), null)).statusCode(),
                            "with the key it was created with");
                }
            }
        }
    }
}
