package dev.hubsim.c2d;

/** Descriptions of refused cloud-to-device messages; their conditions are in {@link dev.hubsim.errors.Condition}. */
public final class CloudToDeviceErrors {
    private CloudToDeviceErrors() {
    }

    public static String missingTo() {
        return "The cloud-to-device message has no 'to' property; set it to /devices/{deviceId}/messages/devicebound.";
    }

    public static String malformedTo(String to) {
        return "The cloud-to-device message's 'to' property '" + to + "' is not /devices/{deviceId}/messages/devicebound.";
    }

    public static String queueFull(String deviceId, int depth) {
        return "Device '" + deviceId + "' already has " + depth + " cloud-to-device messages queued, the most a device queue holds.";
    }

    public static String tooLarge(long size, long max) {
        return "The cloud-to-device message is " + size + " bytes; the hub accepts at most " + max + ".";
    }

    public static String ackNotString(Object value) {
        return "The application property 'iothub-ack' must be a string, not " + value.getClass().getSimpleName() + ".";
    }

    public static String ackUnknown(String value) {
        return "The application property 'iothub-ack' is '" + value + "'; expected none, positive, negative or full.";
    }

    public static String undecodable(String detail) {
        return "The transfer is not a decodable AMQP message: " + detail;
    }
}
