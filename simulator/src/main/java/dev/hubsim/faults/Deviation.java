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
    /** Twin responses carry {@code status} as AMQP long instead of int (reference/iothub-twin-methods-mqtt.md §1.4). */
    TWIN_STATUS_AS_LONG,
    /** Twin responses carry the request's {@code correlation-id} as a string, whatever its type (§1.4). */
    TWIN_CORRELATION_ID_AS_STRING,
    /** Desired-property pushes leave {@code $version} out of their body (§1.5). */
    TWIN_PUSH_WITHOUT_VERSION
}
