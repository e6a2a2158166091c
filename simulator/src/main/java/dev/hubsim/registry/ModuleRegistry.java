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
 * The hub's module identities, per device (reference/iothub-twin-methods-mqtt.md §5.4). Module IDs are case-sensitive;
 * a module lives only as long as its device ({@link DeviceRegistry#remove} removes them). At most
 * {@link #MAX_MODULES_PER_DEVICE} per device (module-twins doc, 2020; newer limit unconfirmed).
 */
public final class ModuleRegistry {
    public static final int MAX_MODULES_PER_DEVICE = 20;
    /** Module ID characters IoT Hub accepts (identity-registry doc): ASCII alphanumerics and {@code - . + % _ # * ? ! ( ) , = @ $ '}. */
    public static final java.util.regex.Pattern VALID_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),=@$']{1,128}");

    private final Map<Module.Key, Module> modules = new ConcurrentHashMap<>();
    private final Map<Module.Key, Long> versions = new ConcurrentHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Module.Key>> removalListeners = new CopyOnWriteArrayList<>();

    ModuleRegistry(Collection<Module> initial) {
        initial.forEach(m -> {
            modules.put(m.key(), m);
            versions.put(m.key(), 1L);
        });
    }

    public Optional<Module> module(String deviceId, String moduleId) {
        return Optional.ofNullable(modules.get(new Module.Key(deviceId, moduleId)));
    }

    /** The device's modules, by ID. */
    public List<Module> of(String deviceId) {
        return modules.values().stream().filter(m -> m.deviceId().equals(deviceId)).sorted(Comparator.comparing(Module::moduleId)).toList();
    }

    /** Every module of the hub, by device then module ID. */
    public List<Module> all() {
        return modules.values().stream().sorted(Comparator.comparing(Module::deviceId).thenComparing(Module::moduleId)).toList();
    }

    /** Adds or replaces a module (the caller checked its device exists and the per-device limit). */
    public void put(Module module) {
        modules.put(module.key(), module);
        versions.merge(module.key(), 1L, Long::sum);
        changeListeners.forEach(Runnable::run);
    }

    /** Removes a module; its connections lose their claims through the removal listeners. */
    public Optional<Module> remove(String deviceId, String moduleId) {
        Module.Key key = new Module.Key(deviceId, moduleId);
        Module removed = modules.remove(key);
        if (removed != null) {
            versions.remove(key);
            removalListeners.forEach(l -> l.accept(key));
            changeListeners.forEach(Runnable::run);
        }
        return Optional.ofNullable(removed);
    }

    /** Removes every module of a device (the device went). */
    void removeAllOf(String deviceId) {
        of(deviceId).forEach(m -> remove(m.deviceId(), m.moduleId()));
    }

    /** The module's etag as the REST API quotes it; it changes with every update. */
    public String etag(String deviceId, String moduleId) {
        long version = versions.getOrDefault(new Module.Key(deviceId, moduleId), 0L);
        return java.util.Base64.getEncoder().encodeToString(Long.toString(version).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Told after any module is added, replaced or removed (the journal saves). */
    public void onChanged(Runnable listener) {
        changeListeners.add(listener);
    }

    public void onRemoved(Consumer<Module.Key> listener) {
        removalListeners.add(listener);
    }
}
