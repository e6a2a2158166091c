package dev.hubsim.telemetry;

/**
 * Message annotations the hub stamps on every device-to-cloud message so that a device cannot spoof its identity
 * (reference/iothub-amqp.md §6.1).
 */
public final class TelemetryAnnotations {
    private TelemetryAnnotations() {
    }

    public static final String CONNECTION_DEVICE_ID = "iothub-connection-device-id";
    public static final String CONNECTION_MODULE_ID = "iothub-connection-module-id";
    public static final String CONNECTION_AUTH_METHOD = "iothub-connection-auth-method";
    public static final String CONNECTION_AUTH_GENERATION_ID = "iothub-connection-auth-generation-id";
    public static final String ENQUEUED_TIME = "iothub-enqueuedtime";
    public static final String MESSAGE_SOURCE = "iothub-message-source";
    public static final String SOURCE_TELEMETRY = "Telemetry";
}
