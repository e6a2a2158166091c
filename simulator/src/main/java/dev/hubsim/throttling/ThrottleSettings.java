package dev.hubsim.throttling;

import java.time.Duration;

/**
 * The tier the hub plays and how its throttles queue. {@link #OFF} (no tier) never throttles by rate or quota;
 * injected throttling works either way.
 *
 * @param tier          null: throttling off
 * @param units         the hub's units (F1: 1; S1, S2, B1, B2: up to 200; S3, B3: up to 10)
 * @param burstSeconds  a full bucket serves this many seconds of the rate at once (at least one operation)
 * @param backlogSeconds operations over the rate queue up to this many seconds of the rate; past it: 429002
 * @param maxWait       a queued operation that would wait longer than this is refused: 429003
 */
public record ThrottleSettings(Tier tier, int units, double burstSeconds, double backlogSeconds, Duration maxWait) {
    public static final double DEFAULT_BURST_SECONDS = 1;
    public static final double DEFAULT_BACKLOG_SECONDS = 5;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);
    public static final ThrottleSettings OFF = new ThrottleSettings(null, 1, DEFAULT_BURST_SECONDS, DEFAULT_BACKLOG_SECONDS, DEFAULT_MAX_WAIT);

    public ThrottleSettings {
        if (tier != null) {
            tier.checkUnits(units);
        }
        if (burstSeconds < 0 || backlogSeconds < 0 || maxWait.isNegative()) {
            throw new IllegalArgumentException("throttle burst, backlog and wait must not be negative");
        }
    }

    /** The tier with the default burst, backlog and wait. */
    public static ThrottleSettings of(Tier tier, int units) {
        return new ThrottleSettings(tier, units, DEFAULT_BURST_SECONDS, DEFAULT_BACKLOG_SECONDS, DEFAULT_MAX_WAIT);
    }

    public boolean on() {
        return tier != null;
    }

    public ThrottleSettings withBacklog(double seconds, Duration wait) {
        return new ThrottleSettings(tier, units, burstSeconds, seconds, wait);
    }

    public ThrottleSettings withBurst(double seconds) {
        return new ThrottleSettings(tier, units, seconds, backlogSeconds, maxWait);
    }

    /** {@code S1 x 2 units} or {@code off}, as the ready line prints it. */
    public String describe() {
        return tier == null ? "throttling off" : "tier " + tier + " x " + units + (units == 1 ? " unit" : " units");
    }
}
