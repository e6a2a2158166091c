package dev.hubsim.faults;

import java.util.Locale;
import java.util.Set;

/**
 * What a fault acts on: every connection, the connections of one device (a SASL user or claim for it), one connection
 * by its trace id, and optionally only links whose address ends with {@code path} (case-insensitive).
 */
public record Scope(String deviceId, String connectionId, String path) {

    public static Scope all() {
        return new Scope(null, null, null);
    }

    public static Scope device(String deviceId) {
        return new Scope(deviceId, null, null);
    }

    public static Scope connection(String connectionId) {
        return new Scope(null, connectionId, null);
    }

    public static Scope path(String path) {
        return new Scope(null, null, path);
    }

    public Scope andPath(String linkPath) {
        return new Scope(deviceId, connectionId, linkPath);
    }

    public boolean matchesConnection(String id, Set<String> identities) {
        return (connectionId == null || connectionId.equals(id)) && (deviceId == null || identities.contains(deviceId));
    }

    public boolean matchesPath(String address) {
        if (path == null) {
            return true;
        }
        return address != null && address.toLowerCase(Locale.ROOT).endsWith(path.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return (deviceId == null ? "" : "device=" + deviceId + " ") + (connectionId == null ? "" : "connection=" + connectionId + " ")
                + (path == null ? "" : "path=" + path);
    }
}
