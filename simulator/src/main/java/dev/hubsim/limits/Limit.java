package dev.hubsim.limits;

/** One limit of a profile: its value and what happens when it is reached. */
public record Limit(LimitKind kind, long value, LimitMode mode) {
    public static Limit off(LimitKind kind) {
        return new Limit(kind, Long.MAX_VALUE, LimitMode.OFF);
    }
}
