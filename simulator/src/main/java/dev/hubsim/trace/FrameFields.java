package dev.hubsim.trace;

import java.util.Map;

/**
 * A frame's fields as a face keeps them when it records the frame: a few plain values, expanded into the by-name map of
 * {@link TraceRecord#fields()} only when the trace is read. Frequent frames (transfer, flow, disposition) are recorded
 * this way so that tracing costs little per message; the values must not change after recording.
 */
@FunctionalInterface
public interface FrameFields {
    Map<String, Object> expand();
}
