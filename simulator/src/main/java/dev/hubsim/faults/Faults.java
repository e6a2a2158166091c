package dev.hubsim.faults;

import dev.hubsim.errors.Condition;
import dev.hubsim.throttling.Operation;

import java.time.Duration;

/**
 * Fault injection on a running simulator, scoped by device, connection or link path. Every fault is recorded in the
 * trace of each connection it touches, when it takes effect.
 */
public interface Faults {
    /** Resets the TCP connections in scope: the client sees the socket die, not a Close. Returns how many. */
    int resetConnections(Scope scope);

    /** Closes the connections in scope with a Close carrying the condition. Returns how many. */
    int closeConnections(Scope scope, Condition condition, String description);

    /** Expires now every claim of the connections in scope, with the same effect as a token running out. */
    int expireClaims(Scope scope);

    /** The next {@code count} attaches in scope are refused with this condition (the documented refusal framing). */
    void refuseNextAttaches(Scope scope, int count, Condition condition, String description);

    /** The next {@code count} attaches in scope are refused with {@code amqp:link:redirect} and this info map. */
    void redirectNextAttaches(Scope scope, int count, String hostname, String networkHost, int port, String address);

    /** Sets the credit of the client sending links in scope to exactly {@code credit}; they are topped up no more. */
    int setCredit(Scope scope, int credit);

    /** Grants {@code credit} more to the client sending links in scope (for links under a manual credit policy). */
    int grantCredit(Scope scope, int credit);

    void delayCbsReplies(Scope scope, Duration delay);

    void dropCbsReplies(Scope scope, int count);

    /** The hub's outcome for each transfer in scope (telemetry, cloud-to-device) is sent this much later. */
    void delayDispositions(Scope scope, Duration delay);

    /** The next {@code count} transfers in scope are Rejected with this condition. */
    void rejectNextTransfers(Scope scope, int count, Condition condition, String description);

    /**
     * The hub answers the Begins and Attaches in scope this much later (a client must not report a session or link
     * open before the answer). A scope with a path holds only the Attaches of that path.
     */
    void holdAnswers(Scope scope, Duration delay);

    /**
     * The next {@code count} operations of this kind by this device (null: by any device) are throttled: answered with
     * IoT Hub's throttling error (AMQP {@code com.microsoft:device-container-throttled}, HTTP 429 with 429001), with or
     * without a tier, and counted in {@code throttling()}.
     */
    void throttleNext(String deviceId, Operation operation, int count);

    /** The hub's daily message quota is used up until the next UTC midnight (or {@link #clear()}): messages get 403002. */
    void exhaustDailyQuota();

    /** Forgets every fault not yet used up. */
    void clear();
}
