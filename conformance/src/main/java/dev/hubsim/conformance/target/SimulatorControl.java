package dev.hubsim.conformance.target;

import java.time.Duration;

/**
 * What only the embedded simulator can do to arrange a situation, through its public API (faults, limit profiles,
 * settings, its clock). Scenarios that need it are tagged {@code @simulator}; verdicts never come from here.
 */
public interface SimulatorControl {
    /** Expires now every claim of the connections of this device, as if its token ran out. */
    void expireClaims(String deviceId);

    /*
     * The secondary simulators below are started on first use and closed with the target. They may be one and the same
     * simulator where their settings do not get in each other's way (the embedded control serves the imp profile, the
     * short times and the low claim cap from one).
     */

    /** A simulator playing the {@code imp} limit profile. */
    HubTarget impProfileTarget();

    /** A simulator whose times are short or movable: no clock skew, the lock of {@link #shortLock()}, a clock {@link #moveClock} moves. */
    HubTarget timingTarget();

    /** A simulator admitting only {@link #claimsPerConnection()} claims on one connection (hubsim's cap, set low). */
    HubTarget claimCapTarget();

    /** A simulator admitting only {@link #connectionsPerAddress()} connections from one address (hubsim's cap, set low). */
    HubTarget addressCapTarget();

    /** The cloud-to-device lock timeout of the {@link #timingTarget()}. */
    default Duration shortLock() {
        return Duration.ofSeconds(2);
    }

    /** The per-address connection cap of the {@link #addressCapTarget()}. */
    default int connectionsPerAddress() {
        return 6;
    }

    /** The claims-per-connection cap of the {@link #claimCapTarget()}. */
    default int claimsPerConnection() {
        return 20;
    }

    /** Moves this simulator's clock forward (only the timing target's clock moves). */
    void moveClock(Duration by);

    /** How far this simulator's clock is ahead of the real one: tokens are signed against the simulator's time. */
    Duration clockOffset();

    /** The next {@code count} device-to-cloud sends of this device are throttled, as the hub's throttle answers them. */
    void throttleNextSends(String deviceId, int count);

    /** A simulator whose daily message quota is used up (a secondary simulator: the quota stays used up). */
    HubTarget quotaExhaustedTarget();

    /** Empties a device's cloud-to-device queue, as the hub's purge operation does; returns how many went. */
    int purge(String deviceId);

    /** Merges {@code json} into the device's desired properties, as the back end's twin PATCH does. */
    void patchDesired(String deviceId, String json);
}
