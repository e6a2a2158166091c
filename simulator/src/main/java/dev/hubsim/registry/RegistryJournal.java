package dev.hubsim.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * With persistence on, the registry changes made while the hub runs (devices created, updated, disabled, deleted over
 * HTTPS or the API) are kept in one JSON file and applied over the config file's devices on the next start. The file is
 * rewritten whole (write, then atomic move) on every change, so a killed process leaves the last complete state.
 */
public final class RegistryJournal {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the file holds: devices put since the config, and IDs removed since. */
    record Changes(Map<String, Device> put, TreeSet<String> removed) {
    }

    private final Path file;
    private final Changes changes;

    private RegistryJournal(Path file, Changes changes) {
        this.file = file;
        this.changes = changes;
    }

    /** Applies the saved changes to {@code registry}, then records every later change. */
    public static RegistryJournal attach(DeviceRegistry registry, Path file) {
        Changes saved = read(file);
        saved.put().values().forEach(registry::put);
        saved.removed().forEach(registry::remove);
        RegistryJournal journal = new RegistryJournal(file, saved);
        registry.onDeviceChanged(journal::changed);
        registry.onDeviceRemoved(journal::removed);
        return journal;
    }

    private static Changes read(Path file) {
        if (!Files.exists(file)) {
            return new Changes(new LinkedHashMap<>(), new TreeSet<>());
        }
        try {
            Changes c = JSON.readValue(file.toFile(), new TypeReference<Changes>() { });
            return new Changes(new LinkedHashMap<>(c.put()), new TreeSet<>(c.removed()));
        } catch (IOException e) {
            throw new UncheckedIOException("registry journal " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private synchronized void changed(Device device) {
        changes.put().put(device.deviceId(), device);
        changes.removed().remove(device.deviceId());
        write();
    }

    private synchronized void removed(String deviceId) {
        changes.put().remove(deviceId);
        changes.removed().add(deviceId);
        write();
    }

    private void write() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), changes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("registry journal " + file + " cannot be written: " + e.getMessage(), e);
        }
    }
}
