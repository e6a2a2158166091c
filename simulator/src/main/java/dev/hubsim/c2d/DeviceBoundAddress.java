package dev.hubsim.c2d;

import dev.hubsim.auth.PercentEncoding;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code to} property of a cloud-to-device message: {@code /devices/{id}/messages/devicebound}, or the module form
 * {@code /devices/{id}/modules/{mid}/messages/devicebound} (reference/iothub-amqp.md §4.3, §7.1).
 */
record DeviceBoundAddress(String deviceId, String moduleId) {

    /** The target named by {@code to}, or null when {@code to} is not a device-bound path. */
    public static DeviceBoundAddress parse(String to) {
        if (to == null) {
            return null;
        }
        List<String> s = Arrays.stream(to.trim().split("/")).filter(p -> !p.isEmpty()).toList();
        if (s.size() == 4 && s.get(0).equalsIgnoreCase("devices") && s.get(2).equalsIgnoreCase("messages")
                && s.get(3).equalsIgnoreCase("devicebound")) {
            return new DeviceBoundAddress(PercentEncoding.decode(s.get(1)), null);
        }
        if (s.size() == 6 && s.get(0).equalsIgnoreCase("devices") && s.get(2).equalsIgnoreCase("modules")
                && s.get(4).equalsIgnoreCase("messages") && s.get(5).equalsIgnoreCase("devicebound")) {
            return new DeviceBoundAddress(PercentEncoding.decode(s.get(1)), PercentEncoding.decode(s.get(3)));
        }
        return null;
    }

}
