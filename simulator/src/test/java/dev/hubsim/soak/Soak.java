package dev.hubsim.soak;

import dev.hubsim.errors.Condition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.faults.Scope;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load with faults: devices multiplexed over a few TLS connections (ANONYMOUS + one put-token per device, as the
 * SDKs' multiplexing clients do) send telemetry at a fixed rate and settle cloud-to-device messages at random
 * (Accepted / Rejected / Released), a service sends cloud-to-device messages with {@code iothub-ack=full} and reads
 * feedback, and a chaos loop drops device connections at random through the fault-injection API while their workers
 * reconnect. Afterwards every count is reconciled ({@link Outcome}). Telemetry whose outcome was lost with its
 * connection is never resent, so an Accepted message-id must be stored exactly once.
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an idle device worker waits for a message before it checks whether the run is over. */
    private static final long IDLE_WAIT_NANOS = Duration.ofMillis(100).toNanos();
    /** How long a live connection may take to settle one beat's messages before the run fails. */
    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(180);

    /** What to run: how many devices, over how many connections, for how long, at which rates. */
    public record Plan(int devices, int connections, Duration duration, Duration telemetryInterval, int c2dPerSecond, Duration dropInterval,
                       Duration drainTimeout) {
    }

    private final HubSimulator hub;
    private final Plan plan;
    private final List<String> deviceIds = new ArrayList<>();
    private final AtomicBoolean loadRunning = new AtomicBoolean(false);
    private final java.util.concurrent.CountDownLatch connected;
    private final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    private final AtomicBoolean devicesRunning = new AtomicBoolean(true);
    private final Random random = new Random(42);

    // What the clients saw. Keys are message-ids.
    final Map<String, Set<String>> acceptedTelemetry = new ConcurrentHashMap<>();
    /** Telemetry whose outcome was lost because its connection was dropped while it was in flight, by device. */
    final Map<String, Set<String>> lostWithDrop = new ConcurrentHashMap<>();
    final Set<String> sentIds = ConcurrentHashMap.newKeySet();
    final AtomicLong telemetrySent = new AtomicLong();
    final AtomicLong telemetryOutcomeLost = new AtomicLong();
    final AtomicLong telemetryNotAccepted = new AtomicLong();
    /** The most outcomes one drop took with it (at most a connection's devices: one message each in flight). */
    final AtomicLong mostLostInOneDrop = new AtomicLong();
    final AtomicLong missedBeats = new AtomicLong();
    final Map<String, String> c2dAcceptedByHub = new ConcurrentHashMap<>();
    final AtomicLong c2dRefusedByHub = new AtomicLong();
    final Map<String, String> lastDeviceOutcome = new ConcurrentHashMap<>();
    final Map<String, String> feedback = new ConcurrentHashMap<>();
    final AtomicLong duplicateFeedback = new AtomicLong();
    final AtomicLong drops = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    public Soak(HubSimulator hub, Plan plan) {
        this.hub = hub;
        this.plan = plan;
        this.connected = new java.util.concurrent.CountDownLatch(plan.connections());
        SecureRandom keys = new SecureRandom();
        for (int i = 0; i < plan.devices(); i++) {
            String id = String.format("soak-%05d", i);
            deviceIds.add(id);
            hub.hub().registry().put(new Device(id, key(keys), key(keys), DeviceStatus.ENABLED, UUID.randomUUID().toString()));
        }
    }

    private static String key(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Runs the load, then lets devices drain until every cloud-to-device message has its feedback, and reconciles. */
    public Outcome run() throws Exception {
        long started = System.nanoTime();
        int threads = plan.connections() + 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (AmqpTestClient service = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain("service@sas.root." + hub.hub().name(), hub.policyToken("service", Duration.ofHours(2))), "soak-service").awaitOpen()) {
            Session session = service.session();
            Sender c2dSender = service.sender(session, "soak-c2d", "/messages/devicebound");
            Receiver feedbackReceiver = service.receiver(session, "soak-feedback", "/messages/serviceBound/feedback", 50);
            List<Future<?>> workers = new ArrayList<>();
            int perConnection = perConnection();
            for (int c = 0; c < plan.connections(); c++) {
                List<String> group = deviceIds.subList(Math.min(c * perConnection, deviceIds.size()), Math.min((c + 1) * perConnection, deviceIds.size()));
                int index = c;
                workers.add(pool.submit(() -> deviceWorker(index, group)));
            }
            // The load's time starts once every connection is set up (1,000 put-tokens take a while on a busy machine).
            if (!connected.await(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("not every connection was set up within " + SETUP_TIMEOUT + ": " + failures);
            }
            loadRunning.set(true);
            go.countDown();
            Future<?> chaos = pool.submit(this::chaos);
            long loadEnd = System.nanoTime() + plan.duration().toNanos();
            long tick = System.nanoTime();
            long period = 1_000_000_000L / Math.max(1, plan.c2dPerSecond());
            while (System.nanoTime() < loadEnd) {
                sendC2d(service, c2dSender);
                drainFeedback(service, feedbackReceiver);
                tick += period;
                LockSupport.parkNanos(tick - System.nanoTime());
            }
            loadRunning.set(false);
            chaos.get();
            long drainEnd = System.nanoTime() + plan.drainTimeout().toNanos();
            while (feedback.size() < c2dAcceptedByHub.size() && System.nanoTime() < drainEnd) {
                service.awaitUntil(drainEnd, () -> service.hasMessage(feedbackReceiver));
                drainFeedback(service, feedbackReceiver);
            }
            devicesRunning.set(false);
            for (Future<?> worker : workers) {
                worker.get();
            }
            drainFeedback(service, feedbackReceiver);
        } finally {
            devicesRunning.set(false);
            loadRunning.set(false);
            pool.shutdownNow();
        }
        return Outcome.reconcile(this, hub, deviceIds, perConnection(), Duration.ofNanos(System.nanoTime() - started));
    }

    private int perConnection() {
        return (plan.devices() + plan.connections() - 1) / plan.connections();
    }

    /** One message per device per interval for the load's duration. */
    long nominalTelemetry() {
        return plan.devices() * (plan.duration().toNanos() / plan.telemetryInterval().toNanos());
    }

    private void sendC2d(AmqpTestClient service, Sender sender) {
        String deviceId = deviceIds.get(random.nextInt(deviceIds.size()));
        Message message = Proton.message();
        String id = UUID.randomUUID().toString();
        message.setMessageId(id);
        message.setAddress("/devices/" + deviceId + "/messages/devicebound");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("iothub-ack", "full");
        message.setApplicationProperties(new ApplicationProperties(props));
        message.setBody(new Data(new Binary(("c2d " + id).getBytes(StandardCharsets.UTF_8))));
        DeliveryState state = service.send(sender, message);
        if (state instanceof Accepted) {
            c2dAcceptedByHub.put(id, deviceId);
        } else {
            c2dRefusedByHub.incrementAndGet();
            failures.add("C2D " + id + " to " + deviceId + " settled " + state + ", not Accepted");
        }
    }

    private void drainFeedback(AmqpTestClient service, Receiver receiver) {
        while (service.hasMessage(receiver)) {
            AmqpTestClient.Received received = service.receiveUnsettled(receiver);
            try {
                Binary body = ((Data) received.message().getBody()).getValue();
                JsonNode records = JSON.readTree(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8));
                for (JsonNode record : records) {
                    if (feedback.put(record.path("originalMessageId").asText(), record.path("statusCode").asText()) != null) {
                        duplicateFeedback.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failures.add("unreadable feedback: " + e);
            }
            service.settle(received, Accepted.getInstance());
        }
    }

    private void chaos() {
        boolean abrupt = false;
        while (loadRunning.get()) {
            LockSupport.parkNanos(plan.dropInterval().toNanos());
            if (!loadRunning.get()) {
                break;
            }
            String victim;
            synchronized (random) {
                victim = deviceIds.get(random.nextInt(deviceIds.size()));
            }
            abrupt = !abrupt;
            drops.addAndGet((abrupt ? hub.faults().resetConnections(Scope.device(victim)) : hub.faults().closeConnections(Scope.device(victim), Condition.CONNECTION_FORCED, "soak: dropped on purpose")));
        }
    }

    /**
     * One connection's devices: connect, authorise each, send telemetry on a fixed beat, settle C2D; reconnect when the
     * hub dropped the connection. Anything else going wrong (a timeout on a live connection, a refused put-token) is a
     * failure of the run, never taken for a drop.
     */
    private void deviceWorker(int index, List<String> group) {
        long beat = System.nanoTime();
        int generation = 0;
        while (devicesRunning.get()) {
            DeviceConnection connection;
            try {
                connection = DeviceConnection.open(hub, "soak-" + index + "-" + generation++, group);
            } catch (DeviceConnection.DroppedDuringSetup dropped) {
                continue;
            } catch (Exception | AssertionError e) {
                failures.add("connection " + index + " could not be set up: " + e);
                return;
            }
            try (connection) {
                if (generation > 1) {
                    reconnects.incrementAndGet();
                } else {
                    connected.countDown();
                    if (!go.await(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        return;
                    }
                    beat = System.nanoTime();
                }
                while (devicesRunning.get() && !connection.dropped()) {
                    if (loadRunning.get() && System.nanoTime() >= beat) {
                        if (System.nanoTime() - beat > plan.telemetryInterval().toNanos()) {
                            missedBeats.incrementAndGet(); // a whole beat late: the machine did not keep the pace
                        }
                        sendTelemetry(connection, group);
                        // After a reconnect, carry on at the rate instead of catching up in a burst.
                        beat = Math.max(beat + plan.telemetryInterval().toNanos(), System.nanoTime());
                    }
                    settleC2d(connection, group);
                    long until = loadRunning.get() ? beat : System.nanoTime() + IDLE_WAIT_NANOS;
                    connection.client().awaitUntil(until, () -> connection.hasAnyMessage() || connection.dropped() || !devicesRunning.get());
                }
            } catch (Exception | AssertionError e) {
                if (!connection.dropped()) {
                    failures.add("connection " + index + " failed while the hub kept it open: " + e);
                    return;
                }
            }
        }
    }

    /**
     * One message per device of the connection, then every outcome: an outcome may be missing only when the connection
     * was dropped while the messages were in flight; a connection still up after the wait is a failure.
     */
    private void sendTelemetry(DeviceConnection connection, List<String> group) {
        Map<String, Delivery> inFlight = new LinkedHashMap<>();
        for (String deviceId : group) {
            Message m = Proton.message();
            String id = UUID.randomUUID().toString();
            m.setMessageId(id);
            m.setBody(new Data(new Binary(new byte[256])));
            sentIds.add(id);
            inFlight.put(id + " " + deviceId, connection.client().sendAsync(connection.telemetry(deviceId), m));
            telemetrySent.incrementAndGet();
        }
        long deadline = System.nanoTime() + OUTCOME_TIMEOUT.toNanos();
        boolean allSettled = connection.client().awaitUntil(deadline,
                () -> connection.dropped() || inFlight.values().stream().allMatch(d -> d.getRemoteState() != null));
        boolean dropped = connection.dropped();
        long lost = 0;
        for (Map.Entry<String, Delivery> e : inFlight.entrySet()) {
            String[] parts = e.getKey().split(" ");
            DeliveryState state = e.getValue().getRemoteState();
            if (state instanceof Accepted) {
                acceptedTelemetry.computeIfAbsent(parts[1], k -> ConcurrentHashMap.newKeySet()).add(parts[0]);
            } else if (state == null && dropped) {
                lostWithDrop.computeIfAbsent(parts[1], k -> ConcurrentHashMap.newKeySet()).add(parts[0]);
                lost++;
            } else if (state == null) {
                failures.add("telemetry " + parts[0] + " of " + parts[1] + " had no outcome after " + OUTCOME_TIMEOUT.toSeconds()
                        + " s on a connection the hub kept open (all settled: " + allSettled + ")");
            } else {
                telemetryNotAccepted.incrementAndGet();
                failures.add("telemetry " + parts[0] + " of " + parts[1] + " settled " + state + ", not Accepted");
            }
        }
        telemetryOutcomeLost.addAndGet(lost);
        mostLostInOneDrop.accumulateAndGet(lost, Math::max);
    }

    private void settleC2d(DeviceConnection connection, List<String> group) {
        for (String deviceId : group) {
            Receiver receiver = connection.c2d(deviceId);
            while (connection.client().hasMessage(receiver)) {
                AmqpTestClient.Received received = connection.client().receiveUnsettled(receiver);
                // Each message's fate is fixed by its id, so some are abandoned until the hub dead-letters them.
                int fate = Math.floorMod(String.valueOf(received.message().getMessageId()).hashCode(), 10);
                DeliveryState outcome = fate < 8 ? Accepted.getInstance() : fate == 8 ? new Rejected() : Released.getInstance();
                lastDeviceOutcome.put(String.valueOf(received.message().getMessageId()), outcome.getClass().getSimpleName());
                connection.client().settle(received, outcome);
            }
        }
    }

    /** A device connection and its links, one telemetry sender and one C2D receiver per device. */
    static final class DeviceConnection implements AutoCloseable {
        private final AmqpTestClient client;
        private final Map<String, Sender> telemetry = new LinkedHashMap<>();
        private final Map<String, Receiver> c2d = new LinkedHashMap<>();

        private DeviceConnection(AmqpTestClient client) {
            this.client = client;
        }

        static DeviceConnection open(HubSimulator hub, String containerId, List<String> deviceIds) throws java.io.IOException {
            AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), containerId);
            DeviceConnection connection = new DeviceConnection(client);
            try {
                client.awaitOpen();
                CbsClient cbs = new CbsClient(client);
                Session session = client.session();
                for (String id : deviceIds) {
                    CbsClient.Reply reply = cbs.putToken(UUID.randomUUID(), hub.hub().primaryHostName() + "/devices/" + id, hub.deviceToken(id, Duration.ofHours(2)));
                    if (!Integer.valueOf(200).equals(reply.statusCode())) {
                        throw new IllegalStateException("put-token for " + id + " answered " + reply.statusCode() + " " + reply.statusDescription());
                    }
                    connection.telemetry.put(id, client.sender(session, "telemetry-" + id, "/devices/" + id + "/messages/events"));
                    connection.c2d.put(id, client.receiver(session, "c2d-" + id, "/devices/" + id + "/messages/devicebound", 10));
                }
                return connection;
            } catch (RuntimeException | AssertionError e) {
                boolean dropped = connection.dropped();
                connection.close();
                if (dropped) {
                    throw new DroppedDuringSetup(e);
                }
                throw e;
            }
        }

        /** The hub dropped the connection (a fault of the run) while it was being set up. */
        static final class DroppedDuringSetup extends RuntimeException {
            DroppedDuringSetup(Throwable cause) {
                super(cause);
            }
        }

        AmqpTestClient client() {
            return client;
        }

        Sender telemetry(String deviceId) {
            return telemetry.get(deviceId);
        }

        Receiver c2d(String deviceId) {
            return c2d.get(deviceId);
        }

        boolean dropped() {
            return client.socketClosed() || client.remoteConnectionState() == EndpointState.CLOSED;
        }

        boolean hasAnyMessage() {
            return c2d.values().stream().anyMatch(client::hasMessage);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
