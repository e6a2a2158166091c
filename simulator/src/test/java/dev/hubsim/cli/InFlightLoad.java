package dev.hubsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.testing.AmqpTestClient;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Everything a process is doing when {@code kill -9} comes, each in its own thread until the process dies under it:
 * a device sending telemetry, a service sending cloud-to-device messages, a device completing, abandoning and holding
 * them (ExactlyOnce, so it knows which of its outcomes the hub acted on), and a registry client creating and deleting
 * devices over HTTPS. Each records what the hub acknowledged and what was still in flight when the socket went.
 */
final class InFlightLoad {
    static final String C2D_DEVICE = "device4";
    private static final Symbol DELIVERY_COUNT = Symbol.valueOf("iothub-deliverycount");
    /** Messages the completer keeps locked: never-abandoned ones (count 0) and once-abandoned ones (count 1). */
    static final int HELD_FRESH = 3;
    static final int HELD_ABANDONED = 3;

    private final SimulatorInfo info;
    private final AtomicBoolean killed = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    // Telemetry (device1).
    final Set<String> telemetrySent = ConcurrentHashMap.newKeySet();
    final Set<String> telemetryAccepted = ConcurrentHashMap.newKeySet();
    // Cloud-to-device (service -> device4): what the hub settled Accepted, what had no outcome when the socket closed.
    final Set<String> c2dAccepted = ConcurrentHashMap.newKeySet();
    final Set<String> c2dUnanswered = ConcurrentHashMap.newKeySet();
    // The device's side: every delivery before the kill, the outcomes the hub settled, the one it had not settled yet.
    final List<String> deliveredBefore = Collections.synchronizedList(new ArrayList<>());
    final Set<String> completedAcked = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> abandonsAcked = new ConcurrentHashMap<>();
    final Map<String, Integer> held = new ConcurrentHashMap<>(); // id -> delivery count it was held with
    final AtomicReference<Map.Entry<String, DeliveryState>> settlementInFlight = new AtomicReference<>();
    // Registry (HTTPS): acknowledged creations (id -> primary key) and deletions, and the request in flight.
    final Map<String, String> createdAcked = new ConcurrentHashMap<>();
    final Set<String> deletedAcked = ConcurrentHashMap.newKeySet();
    final AtomicReference<String> registryInFlight = new AtomicReference<>();

    private final CountDownLatch telemetryEnough = new CountDownLatch(200);
    private final CountDownLatch c2dEnough = new CountDownLatch(40);
    private final CountDownLatch completionsEnough = new CountDownLatch(15);
    private final CountDownLatch abandonsEnough = new CountDownLatch(3);
    private final CountDownLatch heldEnough = new CountDownLatch(HELD_FRESH + HELD_ABANDONED);
    private final CountDownLatch registryEnough = new CountDownLatch(10);
    /** Keeps the device queue under its 50-message limit: one permit per message neither completed nor refused. */
    private final Semaphore room = new Semaphore(40);

    InFlightLoad(SimulatorInfo info) {
        this.info = info;
    }

    /** What happened to one cloud-to-device message, for a failure's message. */
    String history(String id, Map<String, Integer> deliveredAfterRestart) {
        Map.Entry<String, DeliveryState> settling = settlementInFlight.get();
        return id + ": accepted " + c2dAccepted.contains(id) + ", unanswered " + c2dUnanswered.contains(id) + ", delivered before the kill "
                + deliveredBefore.stream().filter(id::equals).count() + " times, abandons settled " + abandonsAcked.getOrDefault(id, 0)
                + ", completion settled " + completedAcked.contains(id) + ", held " + held.get(id) + ", settlement in flight "
                + (settling != null && settling.getKey().equals(id) ? settling.getValue() : null) + ", delivered after the restart with count "
                + deliveredAfterRestart.get(id);
    }

    void start() {
        run("telemetry", this::telemetry);
        run("c2d-sender", this::c2dSender);
        run("c2d-device", this::c2dDevice);
        run("registry", this::registry);
    }

    /** Waits until every worker has done enough that the kill interrupts each of them in the middle of its work. */
    void awaitProgress(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, CountDownLatch> e : Map.of("200 telemetry messages Accepted", telemetryEnough, "40 C2D messages Accepted", c2dEnough,
                "15 completions settled by the hub", completionsEnough, "3 abandons settled by the hub", abandonsEnough,
                (HELD_FRESH + HELD_ABANDONED) + " deliveries held", heldEnough, "10 registry writes answered", registryEnough).entrySet()) {
            if (!e.getValue().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("before the kill, not reached within " + timeout + ": " + e.getKey() + "; failures: " + failures);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("before the kill: " + failures);
        }
    }

    /**
     * Waits for {@code more} further telemetry messages to be Accepted: the kill then lands at a moment no other
     * worker's progress decided (right after the last awaited completion, say).
     */
    void awaitMoreTelemetry(int more, Duration timeout) throws InterruptedException {
        int target = telemetryAccepted.size() + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (telemetryAccepted) {
            while (telemetryAccepted.size() < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError(more + " more telemetry messages not Accepted within " + timeout + "; failures: " + failures);
                }
                telemetryAccepted.wait(left);
            }
        }
    }

    /** From now on a worker's error is the kill's doing. */
    void killing() {
        killed.set(true);
    }

    void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not end after the kill");
            }
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private void run(String name, Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception | AssertionError e) {
                if (!killed.get()) {
                    failures.add(name + ": " + e);
                }
            }
        }, "kill-9-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void fail(String what) {
        if (!killed.get()) {
            failures.add(what);
        }
    }

    private void telemetry() throws Exception {
        try (AmqpTestClient device1 = KillNineTest.device(info, "device1", KillNineTest.key(info, "device1"))) {
            Sender s = device1.sender(device1.session(), "t", "/devices/device1/messages/events");
            for (int i = 0; !device1.socketClosed(); i++) {
                String id = "before-kill-" + i;
                telemetrySent.add(id);
                DeliveryState state = device1.awaitOutcomeUnlessClosed(device1.sendAsync(s, KillNineTest.telemetry(id)));
                if (state instanceof Accepted) {
                    synchronized (telemetryAccepted) {
                        telemetryAccepted.add(id);
                        telemetryAccepted.notifyAll();
                    }
                    telemetryEnough.countDown();
                } else if (state != null) {
                    fail("telemetry " + id + " settled " + state);
                }
            }
        }
    }

    private void c2dSender() throws Exception {
        try (AmqpTestClient service = KillNineTest.service(info)) {
            Sender c2d = service.sender(service.session(), "c2d", "/messages/devicebound");
            for (int i = 0; !service.socketClosed(); i++) {
                while (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (service.socketClosed()) {
                        return;
                    }
                }
                String id = "live-" + i;
                Delivery delivery = service.sendAsync(c2d, KillNineTest.c2dMessage(id, C2D_DEVICE));
                DeliveryState state = service.awaitOutcomeUnlessClosed(delivery);
                if (state instanceof Accepted) {
                    c2dAccepted.add(id);
                    c2dEnough.countDown();
                } else if (state == null) {
                    c2dUnanswered.add(id);
                } else {
                    fail("C2D " + id + " settled " + state);
                    room.release();
                }
            }
        }
    }

    /**
     * Takes C2D messages with {@code rcv-settle-mode=second}: the hub settles an outcome once it has acted on it. Every
     * fifth message is abandoned on its first delivery; a few are held locked (fresh ones and once-abandoned ones) so
     * that the kill finds them locked; the rest are completed.
     */
    private void c2dDevice() throws Exception {
        try (AmqpTestClient device = KillNineTest.device(info, C2D_DEVICE, KillNineTest.key(info, C2D_DEVICE))) {
            Source source = new Source();
            source.setAddress("/devices/" + C2D_DEVICE + "/messages/devicebound");
            Receiver receiver = device.receiver(device.session(), "c2d", source, null, null, 20);
            int fresh = 0;
            int abandoned = 0;
            while (device.awaitUntil(Long.MAX_VALUE, () -> device.hasMessage(receiver) || device.socketClosed()) && !device.socketClosed()) {
                AmqpTestClient.Received got = device.receiveUnsettled(receiver);
                String id = String.valueOf(got.message().getMessageId());
                int count = ((Number) got.message().getMessageAnnotations().getValue().get(DELIVERY_COUNT)).intValue();
                deliveredBefore.add(id);
                if (count != abandonsAcked.getOrDefault(id, 0)) {
                    fail("C2D " + id + " delivered with iothub-deliverycount " + count + " after " + abandonsAcked.getOrDefault(id, 0) + " abandons");
                }
                boolean abandonCandidate = Integer.parseInt(id.substring("live-".length())) % 5 == 0;
                if (count == 0 && abandonCandidate) {
                    settle(device, got, id, Released.getInstance());
                } else if (count == 0 && fresh < HELD_FRESH || count == 1 && abandoned < HELD_ABANDONED) {
                    held.put(id, count); // left locked: the kill must give it back with this count
                    fresh += count == 0 ? 1 : 0;
                    abandoned += count == 1 ? 1 : 0;
                    heldEnough.countDown();
                } else {
                    settle(device, got, id, Accepted.getInstance());
                }
            }
        }
    }

    private void settle(AmqpTestClient device, AmqpTestClient.Received got, String id, DeliveryState outcome) {
        settlementInFlight.set(Map.entry(id, outcome));
        if (!device.settleWhenServerSettles(got, outcome)) {
            return; // the kill came first: this outcome may or may not have taken effect
        }
        settlementInFlight.set(null);
        if (outcome instanceof Accepted) {
            completedAcked.add(id);
            room.release();
            completionsEnough.countDown();
        } else {
            abandonsAcked.merge(id, 1, Integer::sum);
            abandonsEnough.countDown();
        }
    }

    /** Creates reg-0, reg-1, ... and deletes every other one right after creating the next, until the process dies. */
    private void registry() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; ; i++) {
            String id = "reg-" + i;
            registryInFlight.set(id);
            HttpResponse<String> created;
            try {
                created = KillNineTest.registry(info, "PUT", "/devices/" + id, "{\"deviceId\":\"" + id + "\"}");
            } catch (java.io.IOException killed) {
                return;
            }
            if (created.statusCode() != 200) {
                fail("PUT " + id + " answered " + created.statusCode() + " " + created.body());
                return;
            }
            createdAcked.put(id, json.readTree(created.body()).path("authentication").path("symmetricKey").path("primaryKey").asText());
            registryEnough.countDown();
            if (i % 2 == 1) {
                String victim = "reg-" + (i - 1);
                registryInFlight.set(victim);
                HttpResponse<String> deleted;
                try {
                    deleted = KillNineTest.registry(info, "DELETE", "/devices/" + victim, null);
                } catch (java.io.IOException killed) {
                    return;
                }
                if (deleted.statusCode() != 204) {
                    fail("DELETE " + victim + " answered " + deleted.statusCode());
                    return;
                }
                deletedAcked.add(victim);
                registryEnough.countDown();
            }
            registryInFlight.set(null);
        }
    }
}
