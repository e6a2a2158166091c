package dev.hubsim.registry;

import java.util.Objects;
import java.util.Set;

/** A hub-level shared access policy (iothubowner, service, ...) and what its keys allow. */
public record SharedAccessPolicy(String name, Set<Permission> permissions, String primaryKey, String secondaryKey) {
    public SharedAccessPolicy {
        Objects.requireNonNull(name, "name");
        permissions = Set.copyOf(permissions);
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }
}
