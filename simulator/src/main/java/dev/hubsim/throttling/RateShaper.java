package dev.hubsim.throttling;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket kept as one number (the generic cell rate algorithm): the time at which the bucket is next empty of
 * queued work. An operation within the burst is served at once; past it, it is queued and served at the rate (the
 * answer is how long it waits); one that would find more than {@code maxQueued} tokens' worth ahead of it, or wait
 * longer than {@code maxWait}, is refused and takes nothing. Lock-free, allocation-free.
 */
final class RateShaper {
    /** {@link #admit} answers: served after this many nanoseconds (0: at once), or one of these. */
    static final long BACKLOG_FULL = -1;
    static final long BACKLOG_TIMEOUT = -2;

    private final long intervalNanos;
    private final long burstNanos;
    private final long maxQueuedNanos;
    private final long maxWaitNanos;
    private final AtomicLong emptyAt = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param perSecond the sustained rate
     * @param burst     tokens served at once from a full bucket (at least 1)
     * @param maxQueued tokens that may wait behind the burst
     * @param maxWaitNanos the longest wait an operation is queued for
     */
    RateShaper(double perSecond, long burst, long maxQueued, long maxWaitNanos) {
        this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.burstNanos = Math.max(1, burst) * intervalNanos;
        this.maxQueuedNanos = maxQueued * intervalNanos;
        this.maxWaitNanos = maxWaitNanos;
    }

    /** Takes {@code cost} tokens at {@code nowNanos}: the wait in nanoseconds, or {@link #BACKLOG_FULL} / {@link #BACKLOG_TIMEOUT}. */
    long admit(long nowNanos, int cost) {
        while (true) {
            long was = emptyAt.get();
            long next = Math.max(was, nowNanos) + cost * intervalNanos;
            long wait = next - nowNanos - burstNanos;
            if (wait > maxQueuedNanos) {
                return BACKLOG_FULL;
            }
            if (wait > maxWaitNanos) {
                return BACKLOG_TIMEOUT;
            }
            if (emptyAt.compareAndSet(was, next)) {
                return Math.max(0, wait);
            }
        }
    }

    long intervalNanos() {
        return intervalNanos;
    }
}
