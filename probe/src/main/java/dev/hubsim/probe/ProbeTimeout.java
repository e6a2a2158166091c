package dev.hubsim.probe;

/**
 * A wait that ended without the awaited event: an observation like any other ("expected X, observed none"), with the
 * connection's last frames as evidence and, when the waiting thread has one, the label of what it checks (the statement
 * IDs of the scenario in progress).
 */
public final class ProbeTimeout extends AssertionError {
    private static final ThreadLocal<String> LABEL = new ThreadLocal<>();

    public ProbeTimeout(String message, FrameLog frames) {
        super((LABEL.get() == null ? "" : "[" + LABEL.get() + "] ") + message + "\nlast frames on this connection:\n" + frames.tail(12));
    }

    /** Names what the calling thread's waits are for, until {@link #clearLabel()}. */
    public static void label(String label) {
        LABEL.set(label);
    }

    public static void clearLabel() {
        LABEL.remove();
    }
}
