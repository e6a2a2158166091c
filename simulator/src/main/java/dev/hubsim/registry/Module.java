package dev.hubsim.registry;

import java.util.Objects;

/**
 * One module identity of a device (reference/iothub-twin-methods-mqtt.md §5.4): its own keys, so a module
 * authenticates as itself and a device key does not open its modules' links. Immutable; the registry swaps whole records.
 *
 * @param managedBy who manages the module (IoT Edge writes it), or null
 */
public record Module(String deviceId, String moduleId, String primaryKey, String secondaryKey, String generationId, String managedBy) {
    public Module {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(moduleId, "moduleId");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        Objects.requireNonNull(generationId, "generationId");
    }

    /** The registry key of a module: its device and its ID, both case-sensitive. */
    public record Key(String deviceId, String moduleId) {
    }

    public Key key() {
        return new Key(deviceId, moduleId);
    }
}
