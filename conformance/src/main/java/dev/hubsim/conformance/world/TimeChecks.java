package dev.hubsim.conformance.world;

import dev.hubsim.conformance.target.EndpointTarget;

import java.time.Duration;
import java.time.Instant;

/**
 * What takes time: token expiry and renewal, the cloud-to-device lock and time to live. Against the timing target
 * (no clock skew, a short lock, a clock that moves) in seconds; against any endpoint only in {@code @slow} scenarios.
 */
public final class TimeChecks {
    private final HubWorld w;
    private Instant firstTokenExpiry;

    TimeChecks(HubWorld world) {
        this.w = world;
    }

    public void useTimingTarget() {
        w.switchTarget(w.control().timingTarget());
    }

    /** When, in real time, the first (short) token of the scenario lapses. */
    void firstTokenExpires(Instant at) {
        firstTokenExpiry = at;
    }

    /**
     * Waits until the first token's expiry has passed by {@code margin}: the statement is about time passing, so this is
     * a wait for a known instant, not for an event.
     */
    public void waitPastFirstExpiry(Duration margin) throws InterruptedException {
        Instant until = firstTokenExpiry.plus(margin);
        long millis;
        while ((millis = Duration.between(Instant.now(), until).toMillis()) > 0) {
            Thread.sleep(millis);
        }
    }

    /** The clock-skew allowance a hub may give past {@code se}: hubsim.specs.clockSkewSeconds, by default 600 s (§3.7). */
    public static Duration clockSkewAllowance() {
        String seconds = EndpointTarget.setting("clockSkewSeconds");
        return Duration.ofSeconds(seconds == null ? 600 : Long.parseLong(seconds));
    }

    public void moveClock(Duration by) {
        w.control().moveClock(by);
    }

    public Duration lockTimeout() {
        return w.control().shortLock();
    }
}
