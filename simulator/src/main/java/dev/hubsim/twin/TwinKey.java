package dev.hubsim.twin;

import java.util.Objects;

/**
 * Whose twin: a device's ({@code moduleId} null) or one of its modules'. Device and module IDs are case-sensitive, as
 * in IoT Hub.
 */
public record TwinKey(String deviceId, String moduleId) {
    public TwinKey {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    public static TwinKey device(String deviceId) {
        return new TwinKey(deviceId, null);
    }

    public static TwinKey module(String deviceId, String moduleId) {
        return new TwinKey(deviceId, Objects.requireNonNull(moduleId, "moduleId"));
    }

    public boolean isModule() {
        return moduleId != null;
    }

    @Override
    public String toString() {
        return moduleId == null ? "device '" + deviceId + "'" : "module '" + moduleId + "' of device '" + deviceId + "'";
    }
}
