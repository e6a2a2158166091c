package dev.hubsim.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the device registry on disk when persistence is on: the whole device list, rewritten to a temporary file and
 * moved into place after every change, before the change is answered, so a killed process loses none. On start the
 * saved list wins over the hub definition's devices (a device deleted through the REST API stays deleted).
 */
public final class RegistryJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final DeviceRegistry registry;

    private RegistryJournal(Path file, DeviceRegistry registry) {
        this.file = file;
        this.registry = registry;
    }

    /** Restores the saved devices into {@code registry} (if any were saved) and saves every later change. */
    public static RegistryJournal restoreAndFollow(Path file, DeviceRegistry registry) {
        if (Files.exists(file)) {
            List<Device> saved;
            try {
                saved = JSON.readValue(file.toFile(), new TypeReference<List<Device>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the saved registry " + file + ": " + e.getMessage(), e);
            }
            Set<String> keep = new HashSet<>();
            saved.forEach(d -> keep.add(d.deviceId()));
            registry.devices().stream().filter(d -> !keep.contains(d.deviceId())).forEach(d -> registry.remove(d.deviceId()));
            saved.forEach(registry::put);
        }
        RegistryJournal journal = new RegistryJournal(file, registry);
        journal.save();
        registry.onDeviceChanged(d -> journal.save());
        registry.onDeviceRemoved(id -> journal.save());
        return journal;
    }

    private synchronized void save() {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(registry.devices()));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the registry to " + file, e);
        }
    }
}
