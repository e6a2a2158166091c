package dev.hubsim.conformance.target;

import java.time.Duration;

/**
 * What only the embedded simulator can do to arrange a situation, through its public API (faults, limit profiles,
 * settings, its clock). Scenarios that need it are tagged {@code @simulator}; verdicts never come from here.
 */
public interface SimulatorControl {
    /** Expires now every claim of the connections of this device, as if its token ran out. */
    void expireClaims(String deviceId);

    /** A second embedded simulator playing the {@code imp} limit profile (started once, closed with the target). */
    HubTarget impProfileTarget();

    /**
     * A second embedded simulator whose times are short or movable (started once, closed with the target): no clock
     * skew allowance, the cloud-to-device lock of {@link #shortLock()}, a clock that {@link #moveClock} moves forward.
     */
    HubTarget timingTarget();

    /**
     * A second embedded simulator whose guards are set low: {@link #connectionsPerAddress()} connections from one
     * address, {@link #claimsPerConnection()} claims on one connection (the same code as the defaults, reached fast).
     */
    HubTarget guardTarget();

    /** The cloud-to-device lock timeout of the {@link #timingTarget()}. */
    default Duration shortLock() {
        return Duration.ofSeconds(2);
    }

    /** The per-address connection cap of the {@link #guardTarget()}. */
    default int connectionsPerAddress() {
        return 6;
    }

    /** The claims-per-connection cap of the {@link #guardTarget()}. */
    default int claimsPerConnection() {
        return 20;
    }

    /** Moves this simulator's clock forward (only the timing target's clock moves). */
    void moveClock(Duration by);

    /** How far this simulator's clock is ahead of the real one: tokens are signed against the simulator's time. */
    Duration clockOffset();

    /** Empties a device's cloud-to-device queue, as the hub's purge operation does; returns how many went. */
    int purge(String deviceId);
}
