package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One twin's mutable state; {@link Twins} guards it. */
final class Twin {
    final TwinKey key;
    long version;
    final Section tags;
    final Section desired;
    final Section reported;

    Twin(TwinKey key, String now) {
        this(key, 1, new Section(false, now), new Section(true, now), new Section(false, now));
    }

    private Twin(TwinKey key, long version, Section tags, Section desired, Section reported) {
        this.key = key;
        this.version = version;
        this.tags = tags;
        this.desired = desired;
        this.reported = reported;
    }

    TwinState state() {
        return new TwinState(key, version, tags.values().deepCopy(), desired.render(), reported.render());
    }

    ObjectNode save() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("deviceId", key.deviceId());
        if (key.moduleId() != null) {
            out.put("moduleId", key.moduleId());
        }
        out.put("version", version);
        out.set("tags", tags.save());
        out.set("desired", desired.save());
        out.set("reported", reported.save());
        return out;
    }

    static Twin load(JsonNode saved) {
        TwinKey key = new TwinKey(saved.get("deviceId").asText(), saved.hasNonNull("moduleId") ? saved.get("moduleId").asText() : null);
        return new Twin(key, saved.get("version").asLong(), Section.load(saved.get("tags"), false), Section.load(saved.get("desired"), true),
                Section.load(saved.get("reported"), false));
    }
}
