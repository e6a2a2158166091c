package dev.hubsim.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change of desired properties as subscribed devices get it: the patch the back end applied (or the whole section
 * after a replace), with {@code "$version"} set to the new desired version; {@code null} means removed.
 */
public record DesiredPatch(TwinKey key, ObjectNode body, long version) {
    /** A copy of the body, which listeners share. */
    public ObjectNode bodyCopy() {
        return body.deepCopy();
    }
}
