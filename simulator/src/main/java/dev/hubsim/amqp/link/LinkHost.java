package dev.hubsim.amqp.link;

import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.trace.ConnectionLog;

import java.util.Map;

/**
 * The connection as its links see it: the hub, who is connected and what they hold, the connection's event loop, and
 * the table of the links the hub serves. Everything but {@link #runLater} runs on the event loop.
 */
public interface LinkHost {
    HubContext hub();

    /** The connection's id in the traces. */
    String id();

    String getRemoteAddress();

    ConnectionLog trace();

    ConnectionClaims claims();

    /** The connected client's usage (its limit counts and credit bucket), or null while it is not yet known. */
    default dev.hubsim.limits.Limits.Usage clientUsage() {
        return null;
    }

    LinkTable links();

    /** Runs on the connection's event loop, later; callable from any thread. */
    void runLater(Runnable work);

    /** True on the connection's event loop. */
    boolean isHandler();

    /** Writes what the engine has to send. */
    void flush();

    default void recordFault(String path, Map<String, Object> fields) {
        trace().record(dev.hubsim.trace.TraceRecord.Direction.LOCAL, dev.hubsim.trace.TraceRecord.FrameType.FAULT, -1, path,
                new java.util.LinkedHashMap<>(fields));
    }
}
