package dev.hubsim.limits;

import java.util.EnumMap;
import java.util.Map;

/**
 * A named set of limits and credit policies. {@code iothub} carries the hub's documented limits
 * (reference/iothub-amqp.md §8); {@code imp} the seeds' per-agent limits (seed imp-amqp-object.txt). Each limit and
 * each link's credit policy can be overridden one by one.
 */
public final class LimitProfile {
    public static final int D2C_MAX_BYTES = 256 * 1024;
    public static final int C2D_MAX_BYTES = 64 * 1024;
    public static final int C2D_MAX_DEPTH = 50;
    public static final int IMP_CONNECTIONS = 4;
    public static final int IMP_SESSIONS = 16;
    public static final int IMP_LINKS = 64;
    /** A guard against runaway clients, far above what a test suite opens from one machine. */
    public static final int CONNECTIONS_PER_ADDRESS = 10_000;
    /** The Java SDK multiplexes at most 1,000 devices on one AMQPS connection (reference/iothub-amqp.md §8.6). */
    public static final int CLAIMS_PER_CONNECTION = 2_000;

    private final String name;
    private final Map<LimitKind, Limit> limits;
    private final Map<LinkKind, CreditPolicy> credit;

    private LimitProfile(String name, Map<LimitKind, Limit> limits, Map<LinkKind, CreditPolicy> credit) {
        this.name = name;
        this.limits = new EnumMap<>(limits);
        this.credit = new EnumMap<>(credit);
    }

    public static LimitProfile iothub() {
        Map<LimitKind, Limit> limits = new EnumMap<>(LimitKind.class);
        for (LimitKind k : LimitKind.values()) {
            limits.put(k, Limit.off(k));
        }
        limits.put(LimitKind.D2C_MESSAGE_BYTES, new Limit(LimitKind.D2C_MESSAGE_BYTES, D2C_MAX_BYTES, LimitMode.ENFORCE));
        limits.put(LimitKind.C2D_MESSAGE_BYTES, new Limit(LimitKind.C2D_MESSAGE_BYTES, C2D_MAX_BYTES, LimitMode.ENFORCE));
        limits.put(LimitKind.C2D_QUEUE_DEPTH, new Limit(LimitKind.C2D_QUEUE_DEPTH, C2D_MAX_DEPTH, LimitMode.ENFORCE));
        limits.put(LimitKind.CONNECTIONS_PER_ADDRESS, new Limit(LimitKind.CONNECTIONS_PER_ADDRESS, CONNECTIONS_PER_ADDRESS, LimitMode.ENFORCE));
        limits.put(LimitKind.CLAIMS_PER_CONNECTION, new Limit(LimitKind.CLAIMS_PER_CONNECTION, CLAIMS_PER_CONNECTION, LimitMode.ENFORCE));
        Map<LinkKind, CreditPolicy> credit = new EnumMap<>(LinkKind.class);
        credit.put(LinkKind.TELEMETRY, CreditPolicy.window(1000));
        credit.put(LinkKind.CLOUD_TO_DEVICE, CreditPolicy.window(100));
        credit.put(LinkKind.CBS, CreditPolicy.window(100));
        return new LimitProfile("iothub", limits, credit);
    }

    public static LimitProfile imp() {
        LimitProfile base = iothub();
        Map<LimitKind, Limit> limits = new EnumMap<>(base.limits);
        limits.put(LimitKind.CONNECTIONS_PER_CLIENT, new Limit(LimitKind.CONNECTIONS_PER_CLIENT, IMP_CONNECTIONS, LimitMode.ENFORCE));
        limits.put(LimitKind.SESSIONS_PER_CLIENT, new Limit(LimitKind.SESSIONS_PER_CLIENT, IMP_SESSIONS, LimitMode.ENFORCE));
        limits.put(LimitKind.LINKS_PER_CLIENT, new Limit(LimitKind.LINKS_PER_CLIENT, IMP_LINKS, LimitMode.ENFORCE));
        Map<LinkKind, CreditPolicy> credit = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            credit.put(k, CreditPolicy.bucket(40, 2));
        }
        return new LimitProfile("imp", limits, credit);
    }

    public static LimitProfile named(String name) {
        return switch (name) {
            case "iothub" -> iothub();
            case "imp" -> imp();
            default -> throw new IllegalArgumentException("unknown limit profile '" + name + "' (iothub or imp)");
        };
    }

    public String name() {
        return name;
    }

    public Limit limit(LimitKind kind) {
        return limits.get(kind);
    }

    public CreditPolicy credit(LinkKind kind) {
        return credit.get(kind);
    }

    public LimitProfile with(LimitKind kind, long value, LimitMode mode) {
        LimitProfile copy = new LimitProfile(name, limits, credit);
        copy.limits.put(kind, new Limit(kind, value, mode));
        return copy;
    }

    public LimitProfile withMode(LimitKind kind, LimitMode mode) {
        return with(kind, limits.get(kind).value(), mode);
    }

    public LimitProfile withCredit(LinkKind kind, CreditPolicy policy) {
        LimitProfile copy = new LimitProfile(name, limits, credit);
        copy.credit.put(kind, policy);
        return copy;
    }

    @Override
    public String toString() {
        return name + limits.values() + credit;
    }
}
