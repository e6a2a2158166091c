package dev.hubsim.auth;

import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.registry.Permission;
import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.TraceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The claims one connection holds and their lifecycle, whatever the face: hub claims and Event Hub claims kept apart
 * (a namespace-wide Event Hub token never opens hub paths), the lifetime cap, the count cap (decided here, once), a
 * renewal replacing the claim for its audience, and one expiry timer per audience on the injected scheduler and clock.
 * When a claim's time is up (or it is withdrawn) the {@link Owner} is told which claim went, on the owner's thread.
 */
public final class ConnectionClaims {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionClaims.class);

    /** Which endpoint a claim is for. */
    public enum Endpoint { HUB, EVENT_HUB }

    /** The connection that holds the claims: closes or detaches what an expired claim let in. */
    public interface Owner {
        /**
         * @param claim       the claim that went
         * @param description the refusal text for what it opened: {@code Token Invalid. The token for audience ...}
         */
        void claimExpired(Claim claim, String description);
    }

    private record Timer(Instant at, ScheduledFuture<?> future) {
    }

    private final ClaimSet hub = new ClaimSet();
    private final ClaimSet eventHub = new ClaimSet();
    /** One per audience and endpoint: a renewal re-arms it, so a client renewing in a loop holds one timer. */
    private final Map<Object, Timer> timers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor ownerThread;
    private final Duration maxLifetime;
    private final Limits limits;
    private final ConnectionLog trace;
    private final Owner owner;
    private volatile boolean closed;

    /**
     * @param ownerThread runs expiries on the connection's own thread
     * @param maxLifetime claims last at most this long after they are granted, whatever the token says (null: no cap)
     */
    public ConnectionClaims(Clock clock, ScheduledExecutorService scheduler, Executor ownerThread, Duration maxLifetime, Limits limits,
                            ConnectionLog trace, Owner owner) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.ownerThread = ownerThread;
        this.maxLifetime = maxLifetime;
        this.limits = limits;
        this.trace = trace;
        this.owner = owner;
    }

    /** The 403 for a put-token that would hold one claim too many (IoT Hub's IotHubMaxCbsTokenExceeded). */
    public static String tooManyClaims(long max) {
        return "IotHubMaxCbsTokenExceeded: this connection already holds claims for " + max
                + " audiences; renew one of them or open another connection.";
    }

    /**
     * Takes a granted claim: refused with {@link TokenVerdict.Failure#TOO_MANY_CLAIMS} when a new audience would go over
     * {@link LimitKind#CLAIMS_PER_CONNECTION} (a renewal always passes); else held, capped at the maximum lifetime, with
     * its expiry timer armed. Returns the verdict to answer.
     */
    public TokenVerdict put(Endpoint endpoint, Claim granted) {
        ClaimSet set = set(endpoint);
        List<Claim> held = set.all();
        if (held.stream().noneMatch(c -> c.audience().equals(granted.audience()))
                && limits.check(LimitKind.CLAIMS_PER_CONNECTION, held.size() + 1L, trace.connectionId()) == Limits.Verdict.REFUSE) {
            return new TokenVerdict.Refused(TokenVerdict.Failure.TOO_MANY_CLAIMS, tooManyClaims(limits.value(LimitKind.CLAIMS_PER_CONNECTION)));
        }
        Claim claim = capped(granted);
        set.put(claim);
        trace.addIdentity(claim.identity());
        if (claim.scope().deviceId() != null) {
            trace.addIdentity(claim.scope().deviceId());
        }
        Object key = List.of(endpoint, claim.audience());
        Timer existing = timers.get(key);
        if (existing != null && !existing.at().isAfter(claim.expiresAt())) {
            return new TokenVerdict.Granted(claim); // it fires first, finds this renewal and re-arms for it
        }
        if (existing != null) {
            existing.future().cancel(false);
        }
        arm(key, claim, set);
        return new TokenVerdict.Granted(claim);
    }

    private Claim capped(Claim claim) {
        if (maxLifetime == null) {
            return claim;
        }
        Instant cap = clock.instant().plus(maxLifetime);
        if (!claim.expiresAt().isAfter(cap)) {
            return claim;
        }
        return new Claim(claim.audience(), claim.scope(), claim.identity(), claim.kind(), claim.permissions(), cap, claim.method(),
                claim.generationId());
    }

    private void arm(Object key, Claim claim, ClaimSet set) {
        long delay = Math.max(0, Duration.between(clock.instant(), claim.expiresAt()).toMillis());
        timers.put(key, new Timer(claim.expiresAt(), scheduler.schedule(() -> ownerThread.execute(() -> {
            timers.remove(key);
            expire(claim, "expired at " + claim.expiresAt());
            if (!closed) {
                set.all().stream().filter(c -> c.audience().equals(claim.audience())).findFirst().ifPresent(renewal -> arm(key, renewal, set));
            }
        }), delay, TimeUnit.MILLISECONDS)));
    }

    /** The claim that grants {@code permission} on {@code resource} now, if any. */
    public Optional<Claim> covering(Endpoint endpoint, Permission permission, ResourceUri resource) {
        return set(endpoint).covering(permission, resource, clock.instant());
    }

    /** A claim's time is up, or it is withdrawn: unless a renewal replaced it, the owner is told. On the owner's thread. */
    public void expire(Claim claim, String why) {
        if (closed) {
            return;
        }
        if (!hub.removeIfCurrent(claim) && !eventHub.removeIfCurrent(claim)) {
            // Renewed in time: the new claim has its own expiry; nothing is disturbed.
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null,
                    Map.of("claim-renewed", claim.audience().toString(), "old-expiry", claim.expiresAt().toString()));
            return;
        }
        String description = "Token Invalid. The token for audience '" + claim.audience() + "' " + why + ".";
        LOG.info("claim for '{}' on connection {} from {}: {}", claim.audience(), trace.connectionId(), trace.remoteAddress(), description);
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null,
                Map.of("claim-expired", claim.audience().toString(), "reason", why));
        owner.claimExpired(claim, description);
    }

    /** Expires every claim now (a fault); on the owner's thread. Returns how many. */
    public int expireAll(String why) {
        List<Claim> all = new ArrayList<>(hub.all());
        all.addAll(eventHub.all());
        all.forEach(c -> expire(c, why));
        return all.size();
    }

    /** Withdraws the device's hub claims (the device was deleted or disabled); from any thread. */
    public void revokeDevice(String deviceId, String why) {
        ownerThread.execute(() -> hub.all().stream().filter(c -> deviceId.equals(c.scope().deviceId())).forEach(c -> expire(c, why)));
    }

    /** Withdraws a module's own hub claims (the module was deleted); from any thread. */
    public void revokeModule(String deviceId, String moduleId, String why) {
        ownerThread.execute(() -> hub.all().stream().filter(c -> deviceId.equals(c.scope().deviceId()) && moduleId.equals(c.scope().moduleId()))
                .forEach(c -> expire(c, why)));
    }

    /** The claims held now for one endpoint. */
    public List<Claim> held(Endpoint endpoint) {
        return set(endpoint).all();
    }

    /** Claims held now, hub and Event Hub. */
    public int size() {
        return hub.all().size() + eventHub.all().size();
    }

    /** Expiry timers armed now. */
    public int timers() {
        return timers.size();
    }

    /** The connection ended: timers cancelled, nothing expires any more. */
    public void close() {
        closed = true;
        timers.values().forEach(t -> t.future().cancel(false));
        timers.clear();
    }

    private ClaimSet set(Endpoint endpoint) {
        return endpoint == Endpoint.HUB ? hub : eventHub;
    }
}
