package dev.hubsim.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.faults.Scope;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults under load: 1,000 devices, multiplexed 100 to a connection as the Java SDK does, send telemetry and take
 * cloud-to-device messages while a chaos thread drops their connections at random through the fault-injection API
 * (resets and Closes) and the clients reconnect. At the end every telemetry message the hub settled Accepted is stored
 * exactly once (an unacknowledged one at most once), and every C2D message the hub accepted was completed and has
 * exactly one Success feedback record: count-in equals count-out. Length: {@code -Dhubsim.soak.seconds} (10 in the
 * normal build, to keep it short; 60 for the one-minute run; 600 with {@code -Psoak-long}).
 */
class SoakTest {
    private static final int SECONDS = Integer.getInteger("hubsim.soak.seconds", 10);
    private static final int DEVICES = Integer.getInteger("hubsim.soak.devices", 1000);
    private static final int PER_CONNECTION = 100;
    /**
     * Telemetry messages a second over all devices (0: as fast as they go). Every stored event stays in memory for the
     * final count, so long runs are paced: {@code -Psoak-long} sends 500 a second, 300,000 in ten minutes.
     */
    private static final int RATE = Integer.getInteger("hubsim.soak.rate", 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubSimulator hub;
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> unacked = ConcurrentHashMap.newKeySet();
    private final Set<String> c2dEnqueued = ConcurrentHashMap.newKeySet();
    private final Set<String> c2dCompleted = ConcurrentHashMap.newKeySet();
    private final AtomicLong c2dDeliveries = new AtomicLong();
    private final AtomicInteger reconnects = new AtomicInteger();
    private volatile boolean running = true;

    private static String device(int i) {
        return String.format("soak-%04d", i);
    }

    /** One client connection carrying {@link #PER_CONNECTION} devices: a claim, a sender and a C2D receiver each. */
    private final class Gateway {
        final List<String> devices;
        AmqpTestClient client;
        final Map<String, Sender> senders = new HashMap<>();
        final Map<String, Receiver> inboxes = new HashMap<>();

        Gateway(List<String> devices) {
            this.devices = devices;
        }

        void connect() throws Exception {
            client = AmqpTestClient.plain(hub.amqpPort(), SaslMode.anonymous()).awaitOpen();
            CbsClient cbs = new CbsClient(client);
            for (String d : devices) {
                cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/" + d, hub.deviceToken(d, Duration.ofHours(1)));
            }
            for (String d : devices) {
                var session = client.session();
                senders.put(d, client.sender(session, "t-" + d, "/devices/" + d + "/messages/events"));
                inboxes.put(d, client.receiver(session, "c-" + d, "/devices/" + d + "/messages/devicebound", 5));
            }
        }

        boolean broken() {
            return client.socketClosed() || client.remoteConnectionState() == org.apache.qpid.proton.engine.EndpointState.CLOSED;
        }

        void reconnect() throws Exception {
            client.close();
            senders.clear();
            inboxes.clear();
            reconnects.incrementAndGet();
            connect();
        }

        void drainInboxes() {
            for (Receiver r : inboxes.values()) {
                while (client.hasMessage(r)) {
                    AmqpTestClient.Received m = client.receiveUnsettled(r);
                    c2dDeliveries.incrementAndGet();
                    client.settle(m, Accepted.getInstance());
                    c2dCompleted.add(String.valueOf(m.message().getMessageId()));
                }
            }
        }

        void run(int connections) {
            long seq = 0;
            long started = System.nanoTime();
            while (running) {
                if (RATE > 0) {
                    long due = started + seq * 1_000_000_000L * connections / RATE;
                    sleepQuietly(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                }
                try {
                    if (broken()) {
                        reconnect();
                    }
                    String d = devices.get((int) (seq % devices.size()));
                    String body = d + "#" + seq++;
                    Message m = Proton.message();
                    m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
                    unacked.add(body);
                    DeliveryState state = client.send(senders.get(d), m);
                    if (state instanceof Accepted) {
                        unacked.remove(body);
                        acked.add(body);
                    }
                    if (seq % 20 == 0) {
                        drainInboxes();
                    }
                } catch (Exception | AssertionError e) {
                    // A drop in the middle of a wait: the next round reconnects.
                }
            }
        }
    }

    @Test
    void countInEqualsCountOutUnderRandomConnectionDrops(@TempDir Path dir) throws Exception {
        List<HubConfig.DeviceSpec> specs = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            specs.add(new HubConfig.DeviceSpec(device(i), null, null, null));
        }
        hub = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0)
                .hub(new HubConfig("simhub", HubConfig.DEFAULT_HOST_NAMES, specs, null))
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(500)).withLockTimeout(Duration.ofSeconds(5)))
                .telemetryRetained(1_000_000).tracing(false, 100).start();
        long t0 = System.nanoTime();
        try {
            List<Gateway> gateways = new ArrayList<>();
            for (int g = 0; g * PER_CONNECTION < DEVICES; g++) {
                List<String> ds = new ArrayList<>();
                for (int i = g * PER_CONNECTION; i < Math.min(DEVICES, (g + 1) * PER_CONNECTION); i++) {
                    ds.add(device(i));
                }
                Gateway gateway = new Gateway(ds);
                gateway.connect();
                gateways.add(gateway);
            }
            AmqpTestClient service = AmqpTestClient.plain(hub.amqpPort(), SaslMode.anonymous()).awaitOpen();
            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "c2d", "/messages/devicebound");
            Receiver feedback = service.receiver(service.session(), "feedback", "/messages/serviceBound/feedback", 50);
            System.out.println("soak: " + DEVICES + " devices on " + gateways.size() + " connections ready after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");

            List<Thread> threads = new ArrayList<>();
            for (Gateway g : gateways) {
                threads.add(new Thread(() -> g.run(gateways.size()), "soak-" + g.devices.get(0)));
            }
            AtomicInteger drops = new AtomicInteger();
            Random random = new Random(SECONDS * 31L + DEVICES);
            threads.add(new Thread(() -> {
                while (running) {
                    Gateway victim = gateways.get(random.nextInt(gateways.size()));
                    drops.addAndGet(hub.faults().dropConnections(Scope.device(victim.devices.get(0)), random.nextBoolean(),
                            Symbol.valueOf("amqp:connection:forced"), "soak drop"));
                    sleepQuietly(500 + random.nextInt(1000));
                }
            }, "soak-chaos"));
            threads.forEach(Thread::start);
            long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
            int c2dSeq = 0;
            while (System.nanoTime() < end) {
                String id = "c2d-" + c2dSeq++;
                Message m = Proton.message();
                m.setMessageId(id);
                m.setAddress("/devices/" + device(random.nextInt(DEVICES)) + "/messages/devicebound");
                m.setApplicationProperties(new ApplicationProperties(new HashMap<>(Map.of("iothub-ack", "full"))));
                m.setBody(new Data(new Binary(id.getBytes(StandardCharsets.UTF_8))));
                if (service.send(outbox, m) instanceof Accepted) {
                    c2dEnqueued.add(id);
                }
                sleepQuietly(5); // about 200 C2D messages a second, from one service
            }
            running = false;
            for (Thread t : threads) {
                t.join(30_000);
            }
            // Chaos is over: reconnect whoever is down and let every device take what is left.
            for (Gateway g : gateways) {
                if (g.broken()) {
                    g.reconnect();
                }
            }
            long drainDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!c2dCompleted.containsAll(c2dEnqueued) && System.nanoTime() < drainDeadline) {
                for (Gateway g : gateways) {
                    g.drainInboxes();
                }
                sleepQuietly(10);
            }
            Map<String, Integer> feedbackCounts = new HashMap<>();
            long feedbackDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (feedbackCounts.size() < c2dEnqueued.size() && System.nanoTime() < feedbackDeadline) {
                Message batch = service.receive(feedback);
                for (JsonNode record : JSON.readTree(((Data) batch.getBody()).getValue().getArray())) {
                    assertEquals("Success", record.get("statusCode").asText(), record.toString());
                    feedbackCounts.merge(record.get("originalMessageId").asText(), 1, Integer::sum);
                }
            }

            Map<String, Integer> stored = new HashMap<>();
            for (int i = 0; i < DEVICES; i++) {
                hub.telemetry(device(i)).forEach(t -> stored.merge(new String(t.body(), StandardCharsets.UTF_8), 1, Integer::sum));
            }
            long storedAcked = acked.stream().filter(b -> stored.getOrDefault(b, 0) == 1).count();
            long storedUnacked = unacked.stream().filter(stored::containsKey).count();
            Set<String> duplicates = new HashSet<>();
            stored.forEach((b, n) -> {
                if (n > 1) {
                    duplicates.add(b);
                }
            });
            System.out.printf("soak: %d s, %d devices, %d drops, %d reconnects; telemetry: %d acknowledged, %d stored once, %d in flight at a drop"
                            + " (%d of them stored), %d duplicates; C2D: %d accepted, %d completed (%d deliveries), %d with one Success feedback%n",
                    SECONDS, DEVICES, drops.get(), reconnects.get(), acked.size(), storedAcked, unacked.size(), storedUnacked, duplicates.size(),
                    c2dEnqueued.size(), c2dCompleted.size(), c2dDeliveries.get(), feedbackCounts.values().stream().filter(n -> n == 1).count());
            assertTrue(drops.get() > 0 && reconnects.get() > 0, "the chaos thread dropped connections and clients came back");
            assertEquals(acked.size(), storedAcked, "every acknowledged telemetry message is stored exactly once");
            assertEquals(Set.of(), duplicates, "no message is stored twice");
            assertEquals(stored.size(), storedAcked + storedUnacked, "nothing stored that was not sent");
            assertTrue(c2dCompleted.containsAll(c2dEnqueued), "every accepted C2D message was completed");
            assertEquals(c2dEnqueued.size(), feedbackCounts.size(), "one feedback record per C2D message");
            assertTrue(feedbackCounts.values().stream().allMatch(n -> n == 1), "no feedback record twice");
            assertTrue(c2dEnqueued.stream().allMatch(feedbackCounts::containsKey));
            for (Gateway g : gateways) {
                g.client.close();
            }
            service.close();
        } finally {
            running = false;
            hub.close();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
