package dev.hubsim.limits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running limits: the profile's values and modes, per-client usage of connections, sessions and links, and the
 * count of warnings. Thread-safe.
 */
public final class Limits implements LimitsView {
    private static final Logger LOG = LoggerFactory.getLogger(Limits.class);

    /** The answer to "may this go over?". */
    public enum Verdict { ALLOW, WARNED, REFUSE }

    private final LimitProfile profile;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private final Map<LimitKind, AtomicLong> warnings = new EnumMap<>(LimitKind.class);

    /** Counts of one client identity. */
    public static final class Usage {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger links = new AtomicInteger();
        final AtomicInteger perAddress = new AtomicInteger();
        private final Map<LinkKind, CreditBucket> buckets = new EnumMap<>(LinkKind.class);

        /**
         * The client's credit bucket for one link kind, shared by all its links of that kind; made at first use and
         * kept while the client holds a connection (a client that comes back after closing all starts full).
         */
        public synchronized CreditBucket bucket(LinkKind kind, CreditPolicy.Bucket policy) {
            return buckets.computeIfAbsent(kind, k -> new CreditBucket(policy.capacity(), policy.perSecond()));
        }

        synchronized void dropBuckets() {
            buckets.clear();
        }

        AtomicInteger counter(LimitKind kind) {
            return switch (kind) {
                case CONNECTIONS_PER_CLIENT -> connections;
                case SESSIONS_PER_CLIENT -> sessions;
                case LINKS_PER_CLIENT -> links;
                case CONNECTIONS_PER_ADDRESS -> perAddress;
                default -> throw new IllegalArgumentException(kind + " is not counted per client");
            };
        }
    }

    public Limits(LimitProfile profile) {
        this.profile = profile;
        for (LimitKind k : LimitKind.values()) {
            warnings.put(k, new AtomicLong());
        }
    }

    @Override
    public LimitProfile profile() {
        return profile;
    }

    public Usage usage(String client) {
        return usage.computeIfAbsent(client, c -> new Usage());
    }

    /** The counts of one remote address (IP) for {@link LimitKind#CONNECTIONS_PER_ADDRESS}. */
    public Usage addressUsage(String host) {
        return usage(ADDRESS_PREFIX + host);
    }

    /** Connections open now from this remote address. */
    @Override
    public int connectionsFrom(String host) {
        Usage u = usage.get(ADDRESS_PREFIX + host);
        return u == null ? 0 : u.perAddress.get();
    }

    private static final String ADDRESS_PREFIX = "address:";

    /**
     * Takes one slot of a per-client limit. A refused slot is not taken; an allowed one must be given back with
     * {@link #release} when its object closes.
     */
    public Verdict acquire(Usage client, LimitKind kind, String who) {
        Limit limit = profile.limit(kind);
        AtomicInteger counter = client.counter(kind);
        // Compare-and-set, so a refused attempt never shows (or takes) a slot, even for a moment.
        while (true) {
            int now = counter.get();
            if (now + 1L <= limit.value() || limit.mode() != LimitMode.ENFORCE) {
                if (counter.compareAndSet(now, now + 1)) {
                    if (now + 1L > limit.value() && limit.mode() == LimitMode.WARN) {
                        warn(kind, limit, who);
                        return Verdict.WARNED;
                    }
                    return Verdict.ALLOW;
                }
            } else {
                return Verdict.REFUSE;
            }
        }
    }

    public void release(Usage client, LimitKind kind) {
        if (client.counter(kind).decrementAndGet() == 0 && kind == LimitKind.CONNECTIONS_PER_CLIENT) {
            client.dropBuckets();
        }
    }

    /** Checks a size or depth: {@code observed} is what the new item would make it. */
    public Verdict check(LimitKind kind, long observed, String who) {
        Limit limit = profile.limit(kind);
        if (observed <= limit.value() || limit.mode() == LimitMode.OFF) {
            return Verdict.ALLOW;
        }
        if (limit.mode() == LimitMode.WARN) {
            warn(kind, limit, who);
            return Verdict.WARNED;
        }
        return Verdict.REFUSE;
    }

    private void warn(LimitKind kind, Limit limit, String who) {
        warnings.get(kind).incrementAndGet();
        LOG.warn("{} for {} (warn mode: allowed)", kind.reached(limit.value()), who);
    }

    /** How many times a limit in warn mode was exceeded. */
    @Override
    public long warnings(LimitKind kind) {
        return warnings.get(kind).get();
    }

    @Override
    public long value(LimitKind kind) {
        return profile.limit(kind).value();
    }
}
