package dev.hubsim.faults;

/**
 * Deliberate departures from one documented statement each, for testing conformance kits: a kit run against a
 * simulator started with a deviation must fail the matching statement and no other. Never on by default; the CLI
 * does not offer them.
 */
public enum Deviation {
    /** CBS replies carry {@code status-code} as AMQP long instead of int (reference/iothub-amqp.md §3.5, §3.6). */
    CBS_STATUS_CODE_AS_LONG,
    /** CBS replies carry the request's {@code message-id} as a string {@code correlation-id}, whatever its type (§3.5). */
    CBS_CORRELATION_ID_AS_STRING,
    /** The {@code amqp:link:redirect} of the hub's events paths leaves {@code address} out of its {@code info} map (§5.2). */
    REDIRECT_WITHOUT_ADDRESS,
    /**
     * Telemetry refusals swap their conditions: a throttled message gets {@code amqp:resource-limit-exceeded}, one over
     * the daily quota {@code com.microsoft:device-container-throttled} (reference/iothub-twin-methods-mqtt.md §7.2).
     */
    THROTTLE_CONDITIONS_SWAPPED
}
