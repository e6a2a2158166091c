package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Where twins are kept between runs: nowhere ({@link #IN_MEMORY}), or a file (with {@code --persistent}). */
public interface TwinStore {
    TwinStore IN_MEMORY = new TwinStore() {
        @Override
        public List<JsonNode> load() {
            return List.of();
        }

        @Override
        public void save(List<ObjectNode> twins) {
        }
    };

    List<JsonNode> load();

    /** Saves every twin, durably, before returning. */
    void save(List<ObjectNode> twins);

    /**
     * All twins in one JSON file, rewritten to a temporary file, forced to disk and moved into place after every change,
     * before the change is answered, as the registry journal does: a killed process loses none.
     */
    static TwinStore file(Path file) {
        ObjectMapper json = new ObjectMapper();
        return new TwinStore() {
            @Override
            public List<JsonNode> load() {
                if (!Files.exists(file)) {
                    return List.of();
                }
                try {
                    List<JsonNode> out = new ArrayList<>();
                    json.readTree(file.toFile()).forEach(out::add);
                    return out;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the saved twins " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void save(List<ObjectNode> twins) {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try {
                    Files.createDirectories(file.getParent());
                    Files.write(tmp, json.writeValueAsBytes(twins));
                    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save the twins to " + file, e);
                }
            }
        };
    }
}
