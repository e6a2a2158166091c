package dev.hubsim.methods;

/** How an invocation ended: the device answered, or the hub gives the caller one of its documented errors. */
public sealed interface MethodOutcome {
    /** The device's status and JSON payload bytes (empty when it sent none). */
    record Answered(int status, byte[] payload) implements MethodOutcome {
    }

    /**
     * The hub's error (reference/iothub-twin-methods-mqtt.md §5.3, §5.6).
     *
     * @param httpStatus the REST status
     * @param errorCode  the textual code ({@code DeviceNotOnline}), sent as {@code iothub-errorcode}
     * @param code       the numeric code ({@code 404103})
     */
    record Failed(int httpStatus, String errorCode, int code, String message) implements MethodOutcome {
    }
}
