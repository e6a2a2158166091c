package dev.hubsim.registry;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hub's identities: devices and shared access policies. Device IDs are case-sensitive, as in IoT Hub;
 * policy names are matched case-insensitively because the SDKs and documents spell them both ways.
 */
public final class DeviceRegistry {
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, SharedAccessPolicy> policies = new ConcurrentHashMap<>();
    private final List<Consumer<Device>> deviceListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();
    /** Bumped on every change of a device, for its etag. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final ModuleRegistry modules;

    public DeviceRegistry(Collection<Device> initialDevices, Collection<SharedAccessPolicy> initialPolicies) {
        this(initialDevices, initialPolicies, List.of());
    }

    public DeviceRegistry(Collection<Device> initialDevices, Collection<SharedAccessPolicy> initialPolicies, Collection<Module> initialModules) {
        this.modules = new ModuleRegistry(initialModules);
        initialDevices.forEach(d -> {
            devices.put(d.deviceId(), d);
            versions.put(d.deviceId(), 1L);
        });
        initialPolicies.forEach(p -> policies.put(policyKey(p.name()), p));
    }

    public Optional<Device> device(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    public List<Device> devices() {
        return devices.values().stream().sorted(Comparator.comparing(Device::deviceId)).toList();
    }

    /** The devices' module identities. */
    public ModuleRegistry modules() {
        return modules;
    }

    public Optional<SharedAccessPolicy> policy(String name) {
        return Optional.ofNullable(policies.get(policyKey(name)));
    }

    public List<SharedAccessPolicy> policies() {
        return policies.values().stream().sorted(Comparator.comparing(SharedAccessPolicy::name)).toList();
    }

    /** Adds or replaces a device and tells listeners. */
    public void put(Device device) {
        devices.put(device.deviceId(), device);
        versions.merge(device.deviceId(), 1L, Long::sum);
        deviceListeners.forEach(l -> l.accept(device));
    }

    /** Removes a device and tells listeners (its connections lose their claims). */
    public Optional<Device> remove(String deviceId) {
        Device removed = devices.remove(deviceId);
        if (removed != null) {
            versions.remove(deviceId);
            modules.removeAllOf(deviceId);
            removalListeners.forEach(l -> l.accept(deviceId));
        }
        return Optional.ofNullable(removed);
    }

    /** The device's etag as the hub's REST API quotes it; it changes with every update. */
    public String etag(String deviceId) {
        long version = versions.getOrDefault(deviceId, 0L);
        return java.util.Base64.getEncoder().encodeToString(Long.toString(version).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public void onDeviceRemoved(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    public void setStatus(String deviceId, DeviceStatus status) {
        Device updated = devices.computeIfPresent(deviceId, (id, d) -> d.withStatus(status));
        if (updated == null) {
            throw new IllegalArgumentException("unknown device '" + deviceId + "'");
        }
        versions.merge(deviceId, 1L, Long::sum);
        deviceListeners.forEach(l -> l.accept(updated));
    }

    public void onDeviceChanged(Consumer<Device> listener) {
        deviceListeners.add(listener);
    }

    private static String policyKey(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
