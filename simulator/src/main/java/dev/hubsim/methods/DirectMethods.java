package dev.hubsim.methods;

import dev.hubsim.faults.Deviation;
import dev.hubsim.registry.DeviceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Direct methods, whatever the face (reference/iothub-twin-methods-mqtt.md §2, §5.3): a caller invokes a method on a
 * device or module; the hub waits up to the connect timeout for it to subscribe (else 404103 DeviceNotOnline), hands
 * the request to its subscriber, and waits up to the response timeout for the answer echoing the request ID (else
 * 504101 GatewayTimeout). A late or unknown answer is dropped. Bounds (current direct-methods doc): response timeout
 * 5-300 s (default 30), connect timeout 0-300 s (default 0), payload at most 128 KB.
 */
public final class DirectMethods {
    public static final Duration MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(300);
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** Recorded calls kept for the control API, newest last. */
    static final int RECORDED_CALLS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(DirectMethods.class);

    /** A finished call, as the control API lists it. */
    public record Call(MethodTarget target, String methodName, UUID requestId, MethodOutcome outcome) {
    }

    /** Ends one subscription (the link or connection went); a newer subscription of the same target stays. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Pending(MethodRequest request, Duration responseTimeout, CompletableFuture<MethodOutcome> result) {
    }

    private final DeviceRegistry registry;
    private final ScheduledExecutorService scheduler;
    private final Predicate<String> connected;
    private final Set<Deviation> deviations;
    private final Map<MethodTarget, MethodSubscriber> subscribers = new HashMap<>();
    /** Requests waiting for their target to subscribe, with their connect-timeout timers. */
    private final Map<Pending, ScheduledFuture<?>> waiting = new LinkedHashMap<>();
    /** Requests delivered and waiting for the device's answer. */
    private final Map<UUID, Pending> inFlight = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    /** @param connected whether an identity ({@code d1} or {@code d1/m1}) has a live connection, for the 404103 text */
    public DirectMethods(DeviceRegistry registry, ScheduledExecutorService scheduler, Predicate<String> connected) {
        this(registry, scheduler, connected, Set.of());
    }

    /** The same, departing from the documents in these ways (a kit's self-test). */
    public DirectMethods(DeviceRegistry registry, ScheduledExecutorService scheduler, Predicate<String> connected, Set<Deviation> deviations) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.connected = connected;
        this.deviations = Set.copyOf(deviations);
    }

    /**
     * Invokes {@code methodName} on the target. {@code payload} is the JSON payload's bytes; null timeouts take the
     * defaults (30 s, 0 s). The future completes with the device's answer or the hub's error, never exceptionally.
     */
    public CompletableFuture<MethodOutcome> invoke(MethodTarget target, String methodName, byte[] payload, Duration responseTimeout,
                                                   Duration connectTimeout) {
        Duration response = responseTimeout == null ? DEFAULT_RESPONSE_TIMEOUT : responseTimeout;
        Duration connect = connectTimeout == null ? Duration.ZERO : connectTimeout;
        MethodOutcome.Failed refusal = check(target, methodName, payload, response, connect);
        if (refusal != null) {
            return CompletableFuture.completedFuture(recorded(target, methodName, null, refusal));
        }
        Pending pending = new Pending(new MethodRequest(requestId(), target, methodName, payload), response, new CompletableFuture<>());
        MethodSubscriber subscriber;
        synchronized (this) {
            subscriber = subscribers.get(target);
            if (subscriber == null) {
                if (connect.isZero()) {
                    return CompletableFuture.completedFuture(recorded(target, methodName, pending.request().requestId(), notOnline(target)));
                }
                waiting.put(pending, scheduler.schedule(() -> connectTimedOut(pending), connect.toMillis(), TimeUnit.MILLISECONDS));
                return pending.result();
            }
            start(pending);
        }
        subscriber.deliver(pending.request());
        return pending.result();
    }

    /** A random (version 4) UUID; a counter in a version-0 UUID for the kit's self-test. */
    private UUID requestId() {
        return deviations.contains(Deviation.METHOD_CORRELATION_ID_NOT_RFC4122) ? new UUID(0, sequence.incrementAndGet()) : UUID.randomUUID();
    }

    private MethodOutcome.Failed check(MethodTarget target, String methodName, byte[] payload, Duration response, Duration connect) {
        if (registry.device(target.deviceId()).isEmpty()) {
            return MethodErrors.deviceNotFound(target.deviceId());
        }
        if (target.moduleId() != null && registry.modules().module(target.deviceId(), target.moduleId()).isEmpty()) {
            return MethodErrors.moduleNotFound(target.deviceId(), target.moduleId());
        }
        if (methodName == null || methodName.isBlank()) {
            return MethodErrors.argument("The method name is missing.");
        }
        if (response.compareTo(MIN_RESPONSE_TIMEOUT) < 0 || response.compareTo(MAX_RESPONSE_TIMEOUT) > 0) {
            return MethodErrors.argument("responseTimeoutInSeconds is " + response.toSeconds() + "; it must be between "
                    + MIN_RESPONSE_TIMEOUT.toSeconds() + " and " + MAX_RESPONSE_TIMEOUT.toSeconds() + ".");
        }
        if (connect.isNegative() || connect.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
            return MethodErrors.argument("connectTimeoutInSeconds is " + connect.toSeconds() + "; it must be between 0 and "
                    + MAX_CONNECT_TIMEOUT.toSeconds() + ".");
        }
        if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
            return MethodErrors.tooLarge(payload.length);
        }
        return null;
    }

    /** Under the lock: the request goes out now; its response timer starts. */
    private void start(Pending pending) {
        inFlight.put(pending.request().requestId(), pending);
        scheduler.schedule(() -> responseTimedOut(pending), pending.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connectTimedOut(Pending pending) {
        synchronized (this) {
            if (waiting.remove(pending) == null) {
                return;
            }
        }
        MethodTarget target = pending.request().target();
        pending.result().complete(recorded(target, pending.request().methodName(), pending.request().requestId(), notOnline(target)));
    }

    private MethodOutcome.Failed notOnline(MethodTarget target) {
        if (deviations.contains(Deviation.METHOD_NOT_ONLINE_AS_TIMEOUT)) {
            return MethodErrors.timedOut(DEFAULT_RESPONSE_TIMEOUT);
        }
        return MethodErrors.notOnline(connected.test(target.toString()));
    }

    private void responseTimedOut(Pending pending) {
        synchronized (this) {
            if (inFlight.remove(pending.request().requestId()) == null) {
                return;
            }
        }
        LOG.info("direct method '{}' on '{}' (request {}) got no answer within {} s", pending.request().methodName(), pending.request().target(),
                pending.request().requestId(), pending.responseTimeout().toSeconds());
        pending.result().complete(recorded(pending.request().target(), pending.request().methodName(), pending.request().requestId(),
                deviations.contains(Deviation.METHOD_TIMEOUT_AS_NOT_ONLINE) ? MethodErrors.notOnline(true) : MethodErrors.timedOut(pending.responseTimeout())));
    }

    /**
     * The device answered request {@code requestId} with {@code status} and the payload's JSON bytes. False (and the
     * answer dropped) when no call waits for it: unknown, already answered, or too late.
     */
    public boolean respond(UUID requestId, int status, byte[] payload) {
        Pending pending;
        synchronized (this) {
            pending = inFlight.remove(requestId);
        }
        if (pending == null) {
            LOG.info("dropped a direct-method answer for request {}: no call waits for it (unknown, answered or timed out)", requestId);
            return false;
        }
        pending.result().complete(recorded(pending.request().target(), pending.request().methodName(), requestId,
                new MethodOutcome.Answered(deviations.contains(Deviation.METHOD_STATUS_ALWAYS_200) ? 200 : status, payload == null ? new byte[0] : payload)));
        return true;
    }

    /** The target is connected for methods: requests go to {@code subscriber}, those waiting to connect at once. */
    public Subscription subscribe(MethodTarget target, MethodSubscriber subscriber) {
        List<MethodRequest> release = new ArrayList<>();
        synchronized (this) {
            subscribers.put(target, subscriber);
            waiting.entrySet().removeIf(e -> {
                if (!e.getKey().request().target().equals(target)) {
                    return false;
                }
                e.getValue().cancel(false);
                start(e.getKey());
                release.add(e.getKey().request());
                return true;
            });
        }
        release.forEach(subscriber::deliver);
        return () -> {
            synchronized (DirectMethods.this) {
                subscribers.remove(target, subscriber);
            }
        };
    }

    public synchronized boolean subscribed(MethodTarget target) {
        return subscribers.containsKey(target);
    }

    /** Finished calls, oldest first (at most the last 1,000). */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Forgets the recorded calls (between tests) and says how many there were; calls in progress go on. */
    public synchronized int reset() {
        int forgotten = calls.size();
        calls.clear();
        return forgotten;
    }

    private synchronized MethodOutcome recorded(MethodTarget target, String methodName, UUID requestId, MethodOutcome outcome) {
        calls.add(new Call(target, methodName, requestId, outcome));
        if (calls.size() > RECORDED_CALLS) {
            calls.remove(0);
        }
        return outcome;
    }
}
