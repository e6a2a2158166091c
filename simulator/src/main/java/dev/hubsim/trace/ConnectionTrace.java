package dev.hubsim.trace;

import java.util.List;
import java.util.Set;

/** What one connection did, frame by frame, as tests read it. */
public interface ConnectionTrace {
    /** The connection's id: {@code c1}, {@code c2}, ... */
    String connectionId();

    String remoteAddress();

    boolean isOpen();

    /** The SASL user, devices and policies it held claims for. */
    Set<String> identities();

    /** Its records in order (the newest at most; see {@link #dropped()}). */
    List<TraceRecord> records();

    /** Records dropped because the trace reached its capacity. */
    long dropped();

    /** One JSON object per line, in order. */
    String toJsonLines();

    /** The readable sequence: a header line, then one line per record. */
    String toText();
}
