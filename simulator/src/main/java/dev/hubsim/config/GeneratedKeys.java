package dev.hubsim.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Keys the simulator made up for identities whose config gave none, kept in the data directory so that the printed
 * connection strings stay valid across restarts of the same data directory.
 */
final class GeneratedKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, String> keys;
    private boolean dirty;

    private GeneratedKeys(Path file, Map<String, String> keys) {
        this.file = file;
        this.keys = keys;
    }

    static GeneratedKeys in(Path dataDir) {
        // A properties file, not JSON: reading it loads no JSON library, which keeps a cold start short.
        Path file = dataDir.resolve("generated-keys.properties");
        if (!Files.exists(file)) {
            return new GeneratedKeys(file, new TreeMap<>());
        }
        try (Reader in = Files.newBufferedReader(file)) {
            Properties props = new Properties();
            props.load(in);
            Map<String, String> keys = new TreeMap<>();
            props.stringPropertyNames().forEach(n -> keys.put(n, props.getProperty(n)));
            return new GeneratedKeys(file, keys);
        } catch (IOException | IllegalArgumentException e) {
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
            Path tmp = Files.createTempFile(file.getParent(), ".generated-keys", ".tmp"); // unique: test JVMs may share a data dir
            Properties props = new Properties();
            props.putAll(keys);
            try (Writer out = Files.newBufferedWriter(tmp)) {
                props.store(out, "Keys hubsim generated for identities whose config gave none. Test-only; delete to regenerate.");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
