package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One twin section (desired or reported properties) with its {@code $metadata} tree and {@code $version}, or the tags
 * (no metadata). Patches merge recursively and {@code null} removes a member (reference §3.3); metadata mirrors the
 * tree, each object level and each leaf with {@code $lastUpdated}, desired ones also with {@code $lastUpdatedVersion}.
 * Not thread-safe: {@link Twins} guards it.
 */
final class Section {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ObjectNode values;
    private ObjectNode metadata;
    private long version;
    private final boolean versionInMetadata;

    Section(boolean versionInMetadata, String now) {
        this(NODES.objectNode(), null, 1, versionInMetadata);
        this.metadata = leafMetadata(now, 1);
    }

    private Section(ObjectNode values, ObjectNode metadata, long version, boolean versionInMetadata) {
        this.values = values;
        this.metadata = metadata;
        this.version = version;
        this.versionInMetadata = versionInMetadata;
    }

    long version() {
        return version;
    }

    ObjectNode values() {
        return values;
    }

    /** The section as the hub shows it: members, then {@code $metadata} and {@code $version}. */
    ObjectNode render() {
        ObjectNode out = values.deepCopy();
        out.set("$metadata", metadata.deepCopy());
        out.put("$version", version);
        return out;
    }

    /** Members after merging {@code patch}, without changing this section (for the size check). */
    ObjectNode preview(ObjectNode patch) {
        ObjectNode copy = values.deepCopy();
        merge(copy, null, patch, null, 0);
        return copy;
    }

    void patch(ObjectNode patch, String now) {
        version++;
        merge(values, metadata, patch, now, version);
        stamp(metadata, now, version);
    }

    void replace(ObjectNode members, String now) {
        version++;
        values = withoutNulls(members);
        metadata = metadataOf(values, now, version);
    }

    private void merge(ObjectNode target, ObjectNode meta, ObjectNode patch, String now, long v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode value = f.getValue();
            if (value.isNull()) {
                target.remove(key);
                if (meta != null) {
                    meta.remove(key);
                }
            } else if (value.isObject() && target.get(key) instanceof ObjectNode existing) {
                ObjectNode childMeta = null;
                if (meta != null) {
                    childMeta = meta.get(key) instanceof ObjectNode m ? m : meta.putObject(key);
                    stamp(childMeta, now, v);
                }
                merge(existing, childMeta, (ObjectNode) value, now, v);
            } else {
                JsonNode clean = value.isObject() ? withoutNulls((ObjectNode) value) : value.deepCopy();
                target.set(key, clean);
                if (meta != null) {
                    meta.set(key, metadataOf(clean, now, v));
                }
            }
        }
    }

    private ObjectNode metadataOf(JsonNode value, String now, long v) {
        ObjectNode meta = leafMetadata(now, v);
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                meta.set(f.getKey(), metadataOf(f.getValue(), now, v));
            }
        }
        return meta;
    }

    private ObjectNode leafMetadata(String now, long v) {
        ObjectNode meta = NODES.objectNode();
        stamp(meta, now, v);
        return meta;
    }

    private void stamp(ObjectNode meta, String now, long v) {
        meta.put("$lastUpdated", now);
        if (versionInMetadata) {
            meta.put("$lastUpdatedVersion", v);
        }
    }

    static ObjectNode withoutNulls(ObjectNode object) {
        ObjectNode copy = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNull()) {
                continue;
            }
            copy.set(f.getKey(), f.getValue() instanceof ObjectNode o ? withoutNulls(o) : f.getValue().deepCopy());
        }
        return copy;
    }

    /** Drops the hub-kept members a client may echo back from a twin it read ({@code $version}, {@code $metadata}). */
    static ObjectNode withoutHubMembers(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        copy.remove(List.of("$version", "$metadata"));
        return copy;
    }

    // Persistence.

    ObjectNode save() {
        ObjectNode out = NODES.objectNode();
        out.set("values", values);
        out.set("metadata", metadata);
        out.put("version", version);
        return out;
    }

    static Section load(JsonNode saved, boolean versionInMetadata) {
        return new Section((ObjectNode) saved.get("values"), (ObjectNode) saved.get("metadata"), saved.get("version").asLong(), versionInMetadata);
    }
}
