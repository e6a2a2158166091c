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
 * saved list wins over the hub definition's devices (a device deleted through the REST API stays deleted). Modules are
 * kept the same way in a sibling file ({@code {hub}.modules.json}); a saved module whose device is gone is dropped.
 */
public final class RegistryJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Path modulesFile;
    private final DeviceRegistry registry;

    private RegistryJournal(Path file, DeviceRegistry registry) {
        this.file = file;
        this.modulesFile = modulesFile(file);
        this.registry = registry;
    }

    static Path modulesFile(Path devicesFile) {
        String name = devicesFile.getFileName().toString();
        return devicesFile.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".modules.json");
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
        Path modules = modulesFile(file);
        if (Files.exists(modules)) {
            List<Module> saved;
            try {
                saved = JSON.readValue(modules.toFile(), new TypeReference<List<Module>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the saved modules " + modules + ": " + e.getMessage(), e);
            }
            Set<Module.Key> keep = new HashSet<>();
            saved.forEach(m -> keep.add(m.key()));
            registry.modules().all().stream().filter(m -> !keep.contains(m.key())).forEach(m -> registry.modules().remove(m.deviceId(), m.moduleId()));
            saved.stream().filter(m -> registry.device(m.deviceId()).isPresent()).forEach(registry.modules()::put);
        }
        RegistryJournal journal = new RegistryJournal(file, registry);
        journal.save();
        registry.onDeviceChanged(d -> journal.save());
        registry.onDeviceRemoved(id -> journal.save());
        registry.modules().onChanged(journal::save);
        return journal;
    }

    private synchronized void save() {
        // Modules first: a kill between the two writes leaves at worst modules of a device that is gone, dropped on restore.
        write(modulesFile, registry.modules().all());
        write(file, registry.devices());
    }

    private static void write(Path file, Object content) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(content));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the registry to " + file, e);
        }
    }
}
