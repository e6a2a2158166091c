package dev.hubsim.conformance.probe;

/** A wait that ended without the awaited event; carries the connection's last frames as evidence. */
public final class ProbeTimeout extends AssertionError {
    public ProbeTimeout(String message, FrameLog frames) {
        super(message + "\nlast frames on this connection:\n" + frames.tail(12));
    }
}
