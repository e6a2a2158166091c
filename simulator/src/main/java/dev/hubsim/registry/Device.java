package dev.hubsim.registry;

import java.util.Objects;

/** One device identity: its keys and whether it may connect. Immutable; the registry swaps whole records. */
public record Device(String deviceId, String primaryKey, String secondaryKey, DeviceStatus status, String generationId) {
    public Device {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(generationId, "generationId");
    }

    public boolean enabled() {
        return status == DeviceStatus.ENABLED;
    }

    public Device withStatus(DeviceStatus newStatus) {
        return new Device(deviceId, primaryKey, secondaryKey, newStatus, generationId);
    }
}
