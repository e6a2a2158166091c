package dev.hubsim.limits;

/** What the simulator does when a limit is reached. */
public enum LimitMode {
    /** Refuse with the documented AMQP condition. */
    ENFORCE,
    /** Allow, but log one line and count it (see {@link Limits#warnings}). */
    WARN,
    /** Neither refuse nor count. */
    OFF
}
