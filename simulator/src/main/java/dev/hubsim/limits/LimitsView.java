package dev.hubsim.limits;

/** The limits in force on a running simulator, and what they counted. */
public interface LimitsView {
    LimitProfile profile();

    long value(LimitKind kind);

    /** How many times a limit in warn mode was exceeded. */
    long warnings(LimitKind kind);

    /** Connections open now from this remote address (IP). */
    int connectionsFrom(String host);
}
