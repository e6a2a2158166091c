package dev.hubsim.conformance.target;

/**
 * What only the embedded simulator can do to arrange a situation, through its public API (faults, limit profiles).
 * Scenarios that need it are tagged {@code @simulator}; verdicts never come from here.
 */
public interface SimulatorControl {
    /** Expires now every claim of the connections of this device, as if its token ran out. */
    void expireClaims(String deviceId);

    /** A second embedded simulator playing the {@code imp} limit profile (started once, closed with the target). */
    HubTarget impProfileTarget();
}
