package dev.hubsim.connections;

import java.util.List;
import java.util.Set;

/**
 * A snapshot of one live client connection: who it is, what it holds, and its open links.
 *
 * @param id            the connection's id in the traces ({@code c1}, {@code c2}, ...)
 * @param remoteAddress the client's address as the face saw it
 * @param identities    SASL user, devices and policies it holds or held claims for
 * @param claims        claims held now (hub and Event Hub)
 * @param expiryTimers  claim expiry timers armed now (one per audience)
 * @param links         its open links
 * @param heldClaims    the claims held now, each with its audience and expiry
 */
public record ConnectionInfo(String id, String remoteAddress, Set<String> identities, int claims, int expiryTimers,
                             List<LinkInfo> links, List<ClaimInfo> heldClaims) {
    public ConnectionInfo {
        identities = Set.copyOf(identities);
        links = List.copyOf(links);
        heldClaims = List.copyOf(heldClaims);
    }

    /** Without claim details, as before they were described. */
    public ConnectionInfo(String id, String remoteAddress, Set<String> identities, int claims, int expiryTimers, List<LinkInfo> links) {
        this(id, remoteAddress, identities, claims, expiryTimers, links, List.of());
    }

    /**
     * One claim held.
     *
     * @param endpoint  {@code hub} or {@code event-hub}
     * @param audience  the audience the client asked for
     * @param identity  the device ID or policy name that signed
     * @param expiresAt when it expires (ISO-8601), after which links that need it are detached
     */
    public record ClaimInfo(String endpoint, String audience, String identity, String expiresAt) {
    }

    /**
     * One open link.
     *
     * @param role    {@code client-sender} (the client sends, e.g. telemetry) or {@code client-receiver}
     * @param credit  the link credit now
     */
    public record LinkInfo(String name, String role, String address, int credit) {
    }
}
