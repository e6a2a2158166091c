package dev.hubsim.throttling;

import dev.hubsim.errors.Condition;

/**
 * Why the hub refused an operation instead of serving it, with what each face answers: the HTTP status and IoT Hub's
 * error code (reference/iothub-twin-methods-mqtt.md §5.6, §7.2), and the AMQP condition (reference/iothub-amqp.md §8.4).
 */
public enum Refusal {
    /** Refused by fault injection ("throttle the next N"): the hub's generic throttle answer. */
    THROTTLED(429, 429001, "ThrottlingException", Condition.DEVICE_CONTAINER_THROTTLED,
            "the operation was throttled"),
    /** Over the rate with the backlog full. */
    BACKLOG_FULL(429, 429002, "ThrottleBacklogLimitExceeded", Condition.DEVICE_CONTAINER_THROTTLED,
            "the operation is over the tier's rate and the throttle backlog is full"),
    /** Over the rate and it would wait in the backlog too long. */
    BACKLOG_TIMEOUT(429, 429003, "ThrottlingBacklogTimeout", Condition.DEVICE_CONTAINER_THROTTLED,
            "the operation is over the tier's rate and would wait in the throttle backlog too long"),
    /** The daily message quota is used up until the next UTC midnight. */
    QUOTA_EXCEEDED(403, 403002, "IotHubQuotaExceeded", Condition.RESOURCE_LIMIT_EXCEEDED,
            "the daily message quota of the hub is exceeded; it renews at 00:00 UTC"),
    /** A basic tier does not offer the operation (cloud-to-device, twins, methods). */
    NOT_IN_TIER(403, 403010, "OperationNotAvailableInCurrentTier", Condition.NOT_ALLOWED,
            "the operation is not available in the hub's tier");

    private final int httpStatus;
    private final int errorCode;
    private final String errorName;
    private final Condition condition;
    private final String text;

    Refusal(int httpStatus, int errorCode, String errorName, Condition condition, String text) {
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.errorName = errorName;
        this.condition = condition;
        this.text = text;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** IoT Hub's numeric code, e.g. 429002. */
    public int errorCode() {
        return errorCode;
    }

    /** IoT Hub's error name, e.g. {@code ThrottleBacklogLimitExceeded}. */
    public String errorName() {
        return errorName;
    }

    public Condition condition() {
        return condition;
    }

    /** {@code ThrottleBacklogLimitExceeded (429002): device-to-cloud sends: the operation is over ...}. */
    public String describe(Operation op) {
        return errorName + " (" + errorCode + "): " + op.noun() + ": " + text;
    }
}
