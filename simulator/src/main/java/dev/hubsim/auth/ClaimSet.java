package dev.hubsim.auth;

import dev.hubsim.registry.Permission;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The claims one connection holds. Several devices may share a connection (the Java SDK multiplexes), one claim
 * each; a renewed token for the same audience replaces the earlier claim.
 */
final class ClaimSet {
    private final List<Claim> claims = new CopyOnWriteArrayList<>();

    void put(Claim claim) {
        claims.removeIf(c -> c.audience().equals(claim.audience()));
        claims.add(claim);
    }

    /** The claim that grants {@code permission} on {@code resource} now, if any. */
    Optional<Claim> covering(Permission permission, ResourceUri resource, Instant now) {
        for (Claim c : claims) { // a loop, not a stream: asked once per telemetry message
            if (c.grants(permission, resource, now)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Removes this very claim (not a renewal that replaced it); true if it was still held. */
    boolean removeIfCurrent(Claim claim) {
        return claims.removeIf(c -> c == claim);
    }

    List<Claim> all() {
        return List.copyOf(claims);
    }

    boolean isEmpty() {
        return claims.isEmpty();
    }
}
