package dev.hubsim.methods;

import java.util.Objects;

/** Who a direct method is invoked on: a device, or one of its modules ({@code moduleId} non-null). */
public record MethodTarget(String deviceId, String moduleId) {
    public MethodTarget {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    public static MethodTarget device(String deviceId) {
        return new MethodTarget(deviceId, null);
    }

    /** {@code d1} or {@code d1/m1}, as the hub's texts name it. */
    @Override
    public String toString() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }
}
