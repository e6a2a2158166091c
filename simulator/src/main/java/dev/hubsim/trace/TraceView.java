package dev.hubsim.trace;

import java.util.List;
import java.util.Optional;

/**
 * Every connection's trace, for tests to assert on: live connections all, closed ones the most recent hundred.
 * Queries filter by client identity, link path and frame type, across connections, in order.
 */
public interface TraceView {
    List<ConnectionTrace> connections();

    Optional<ConnectionTrace> connection(String connectionId);

    Traces.Query query();
}
