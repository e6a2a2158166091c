package dev.hubsim.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys the simulator made up for identities whose config gave none, kept in the data directory so that the printed
 * connection strings stay valid across restarts of the same data directory.
 */
final class GeneratedKeys {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, String> keys;
    private boolean dirty;

    private GeneratedKeys(Path file, Map<String, String> keys) {
        this.file = file;
        this.keys = keys;
    }

    static GeneratedKeys in(Path dataDir) {
        Path file = dataDir.resolve("generated-keys.json");
        if (!Files.exists(file)) {
            return new GeneratedKeys(file, new TreeMap<>());
        }
        try {
            return new GeneratedKeys(file, JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() { }));
        } catch (IOException e) {
            throw new ConfigException("generated key file " + file + " is unreadable (" + e.getMessage()
                    + "); delete it to generate new keys", e);
        }
    }

    /** The given key, or the one generated earlier under this name, or a new one. */
    String keyFor(String name, String given) {
        if (given != null) {
            return given;
        }
        return remembered(name, () -> {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            return Base64.getEncoder().encodeToString(raw);
        });
    }

    /** The value stored under this name, or a new one from the supplier, stored for the next start. */
    String remembered(String name, java.util.function.Supplier<String> fresh) {
        return keys.computeIfAbsent(name, n -> {
            dirty = true;
            return fresh.get();
        });
    }

    void saveIfChanged() {
        if (!dirty) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), keys);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
