package dev.hubsim.connections;

import java.util.Set;
import java.util.function.Predicate;

/**
 * A live client connection of any face, as fault injection, the control API and registry changes act on it. Callable
 * from any thread; the face hands the work to the connection's own thread.
 */
public interface HubConnection {
    String id();

    /** SASL user, devices and policies the connection holds or held claims for. */
    Set<String> identities();

    ConnectionInfo describe();

    /** A TCP reset: the client sees the socket die, not a protocol close. */
    void reset();

    /** A protocol close carrying this condition (its wire name) and description. */
    void close(String condition, String description);

    /** Every claim expires now, with the same effect as tokens running out. */
    void expireClaims(String why);

    /** A device was deleted or disabled: its claims are withdrawn as if expired. */
    void revokeDevice(String deviceId, String why);

    /** A module was deleted: its claims are withdrawn as if expired (its device's own claims stay). */
    void revokeModule(String deviceId, String moduleId, String why);

    /**
     * Sets the credit of the client sending links whose address matches to exactly {@code credit} ({@code set}), or
     * grants that much more; records the fault in the trace under {@code tracePath}; returns how many links.
     */
    int changeCredit(Predicate<String> address, String tracePath, int credit, boolean set);
}
