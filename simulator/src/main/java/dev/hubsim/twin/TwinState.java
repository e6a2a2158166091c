package dev.hubsim.twin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A copy of one twin at one version: what a face renders. {@code desired} and {@code reported} carry their
 * {@code $metadata} and {@code $version}; the etag changes with every change of the twin (tags included).
 */
public record TwinState(TwinKey key, long version, ObjectNode tags, ObjectNode desired, ObjectNode reported) {

    /** The twin's etag: its version as 8 big-endian bytes in base64, e.g. {@code AAAAAAAAAAc=} (the documents' form). */
    public String etag() {
        return etagOf(version);
    }

    public long desiredVersion() {
        return desired.path("$version").asLong();
    }

    public long reportedVersion() {
        return reported.path("$version").asLong();
    }

    /** {@code {"desired":{...},"reported":{...}}}: what a device's GET returns (no tags; reference §1.4). */
    public ObjectNode deviceView() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("desired", desired.deepCopy());
        out.set("reported", reported.deepCopy());
        return out;
    }

    static String etagOf(long version) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }
}
