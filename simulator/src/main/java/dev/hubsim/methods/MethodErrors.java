package dev.hubsim.methods;

import java.time.Duration;

/** The errors a direct-method call gets from the hub; one place for each status, code and text. */
public final class MethodErrors {
    private MethodErrors() {
    }

    static MethodOutcome.Failed deviceNotFound(String deviceId) {
        return new MethodOutcome.Failed(404, "DeviceNotFound", 404001, "Device '" + deviceId + "' is not registered with this hub.");
    }

    static MethodOutcome.Failed moduleNotFound(String deviceId, String moduleId) {
        return new MethodOutcome.Failed(404, "ModuleNotFound", 404010, "Module '" + moduleId + "' of device '" + deviceId + "' is not registered with this hub.");
    }

    /** The device did not connect, or connected but did not subscribe to methods, within the connect timeout (404103). */
    static MethodOutcome.Failed notOnline(boolean connected) {
        return new MethodOutcome.Failed(404, "DeviceNotOnline", 404103,
                connected ? "Timed out waiting for device to subscribe." : "Timed out waiting for device to connect.");
    }

    /** The device did not answer within the response timeout (504101). */
    static MethodOutcome.Failed timedOut(Duration responseTimeout) {
        return new MethodOutcome.Failed(504, "GatewayTimeout", 504101,
                "Timed out waiting for the response from device (" + responseTimeout.toSeconds() + " s).");
    }

    static MethodOutcome.Failed argument(String message) {
        return new MethodOutcome.Failed(400, "ArgumentInvalid", 400004, message);
    }

    static MethodOutcome.Failed tooLarge(int size) {
        return new MethodOutcome.Failed(413, "MessageTooLarge", 413001, "The method payload is " + size + " bytes; at most "
                + DirectMethods.MAX_PAYLOAD_BYTES + " are allowed.");
    }
}
