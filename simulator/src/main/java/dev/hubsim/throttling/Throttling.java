package dev.hubsim.throttling;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The hub's throttles and daily quota, whatever the face: a face asks {@link #admit} before it performs an operation
 * and serves it at once, after the wait it is given (traffic shaping), or answers the {@link Refusal}. Throttles are
 * hub-wide per operation, as IoT Hub's are per unit; refusals are counted per device. Also holds the injected faults
 * ("throttle the next N", "exhaust the quota now"). Thread-safe; the check costs one clock read and, with a tier, one
 * compare-and-set, and allocates nothing.
 */
public final class Throttling implements ThrottlingView {
    private static final Operation[] OPERATIONS = Operation.values();
    private static final Refusal[] REFUSALS = Refusal.values();
    private static final long DAY_MILLIS = 86_400_000L;
    /** Injected throttles that hold for every device. */
    private static final String ANY_DEVICE = "*";

    private final ThrottleSettings settings;
    private final Clock clock;
    private final RateShaper[] shapers = new RateShaper[OPERATIONS.length];
    private final long dailyQuota;
    private final int meterBytes;
    private final AtomicLong quotaUsed = new AtomicLong();
    private volatile long quotaDay = Long.MIN_VALUE;
    private volatile long exhaustedDay = Long.MIN_VALUE;
    private final AtomicLongArray throttledTotal = new AtomicLongArray(OPERATIONS.length);
    private final Map<String, AtomicLongArray> throttledByDevice = new ConcurrentHashMap<>();
    private final Map<String, AtomicIntegerArray> injected = new ConcurrentHashMap<>();
    private final AtomicInteger injectedPending = new AtomicInteger();

    public Throttling(ThrottleSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.dailyQuota = settings.on() ? settings.tier().dailyQuota(settings.units()) : Long.MAX_VALUE;
        this.meterBytes = settings.on() ? settings.tier().meterBytes() : 4096;
        resetShapers();
    }

    private void resetShapers() {
        if (!settings.on()) {
            return;
        }
        for (Operation op : OPERATIONS) {
            double rate = rate(op);
            long burst = Math.max(1, (long) Math.floor(rate * settings.burstSeconds()));
            long queued = (long) Math.floor(rate * settings.backlogSeconds());
            shapers[op.ordinal()] = new RateShaper(rate, burst, queued, settings.maxWait().toNanos());
        }
    }

    /** Whether the tier offers the operation (basic tiers lack cloud-to-device, twins and methods); true without a tier. */
    public boolean offers(Operation op) {
        return !settings.on() || settings.tier().offers(op);
    }

    /**
     * Asks to perform one operation now.
     *
     * @param deviceId the device it concerns, or null
     * @param cost     tokens it takes (1; a direct method: its 4 KB units)
     * @param bytes    its message size for the daily quota (0: it is not a message)
     * @return the wait in nanoseconds before it is served (0: at once), or a negative answer {@link #refusal} reads
     */
    public long admit(Operation op, String deviceId, int cost, long bytes) {
        if (settings.on() && !settings.tier().offers(op)) {
            return refuse(Refusal.NOT_IN_TIER, op, deviceId);
        }
        if (injectedPending.get() > 0 && takeInjected(op, deviceId)) {
            return refuse(Refusal.THROTTLED, op, deviceId);
        }
        long nowMillis = clock.millis();
        long chunks = bytes > 0 ? Math.max(1, (bytes + meterBytes - 1) / meterBytes) : 0;
        if (chunks > 0 && overQuota(nowMillis, chunks)) {
            return refuse(Refusal.QUOTA_EXCEEDED, op, deviceId);
        }
        RateShaper shaper = shapers[op.ordinal()];
        long wait = shaper == null ? 0 : shaper.admit(nowMillis * 1_000_000L, cost);
        if (wait == RateShaper.BACKLOG_FULL) {
            return refuse(Refusal.BACKLOG_FULL, op, deviceId);
        }
        if (wait == RateShaper.BACKLOG_TIMEOUT) {
            return refuse(Refusal.BACKLOG_TIMEOUT, op, deviceId);
        }
        if (chunks > 0 && settings.on()) {
            quotaUsed.addAndGet(chunks);
        }
        return wait;
    }

    /** The refusal a negative {@link #admit} answer stands for; null for a wait. */
    public static Refusal refusal(long answer) {
        return answer >= 0 ? null : REFUSALS[(int) (-answer - 1)];
    }

    private long refuse(Refusal refusal, Operation op, String deviceId) {
        throttledTotal.incrementAndGet(op.ordinal());
        throttledByDevice.computeIfAbsent(deviceId == null ? NO_DEVICE : deviceId, d -> new AtomicLongArray(OPERATIONS.length))
                .incrementAndGet(op.ordinal());
        return -(refusal.ordinal() + 1L);
    }

    private boolean overQuota(long nowMillis, long chunks) {
        long day = Math.floorDiv(nowMillis, DAY_MILLIS);
        if (day != quotaDay) {
            synchronized (this) {
                if (day != quotaDay) {
                    quotaUsed.set(0);
                    quotaDay = day;
                }
            }
        }
        return exhaustedDay == day || quotaUsed.get() + chunks > dailyQuota;
    }

    private boolean takeInjected(Operation op, String deviceId) {
        return (deviceId != null && take(injected.get(deviceId), op)) || take(injected.get(ANY_DEVICE), op);
    }

    private boolean take(AtomicIntegerArray counts, Operation op) {
        if (counts == null) {
            return false;
        }
        while (true) {
            int left = counts.get(op.ordinal());
            if (left <= 0) {
                return false;
            }
            if (counts.compareAndSet(op.ordinal(), left, left - 1)) {
                injectedPending.decrementAndGet();
                return true;
            }
        }
    }

    /** Fault injection: the next {@code count} operations of this kind by this device (null: any device) are throttled (429001). */
    public void throttleNext(String deviceId, Operation op, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, not " + count);
        }
        injected.computeIfAbsent(deviceId == null ? ANY_DEVICE : deviceId, d -> new AtomicIntegerArray(OPERATIONS.length))
                .addAndGet(op.ordinal(), count);
        injectedPending.addAndGet(count);
    }

    /** Fault injection: the daily quota is used up until the next UTC midnight, whatever the tier (403002). */
    public void exhaustDailyQuota() {
        long day = Math.floorDiv(clock.millis(), DAY_MILLIS);
        overQuota(clock.millis(), 0);
        exhaustedDay = day;
    }

    /** Forgets injected throttles and quota exhaustion. */
    public void clearFaults() {
        injected.clear();
        injectedPending.set(0);
        exhaustedDay = Long.MIN_VALUE;
    }

    /** A clean slate between tests: faults, counters, today's quota use, full buckets. */
    public void reset() {
        clearFaults();
        for (int i = 0; i < OPERATIONS.length; i++) {
            throttledTotal.set(i, 0);
        }
        throttledByDevice.clear();
        quotaUsed.set(0);
        resetShapers();
    }

    @Override
    public ThrottleSettings settings() {
        return settings;
    }

    @Override
    public double rate(Operation op) {
        return settings.on() ? settings.tier().rate(op, settings.units()) : Double.POSITIVE_INFINITY;
    }

    @Override
    public long throttled(String deviceId, Operation op) {
        AtomicLongArray counts = throttledByDevice.get(deviceId);
        return counts == null ? 0 : counts.get(op.ordinal());
    }

    @Override
    public long throttled(Operation op) {
        return throttledTotal.get(op.ordinal());
    }

    @Override
    public Map<String, Map<String, Long>> throttledCounts() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        throttledByDevice.forEach((device, counts) -> {
            Map<String, Long> byOp = new LinkedHashMap<>();
            for (Operation op : OPERATIONS) {
                if (counts.get(op.ordinal()) > 0) {
                    byOp.put(op.wireName(), counts.get(op.ordinal()));
                }
            }
            if (!byOp.isEmpty()) {
                out.put(device, byOp);
            }
        });
        return out;
    }

    @Override
    public long dailyQuotaUsed() {
        return quotaUsed.get();
    }

    @Override
    public long dailyQuota() {
        return dailyQuota;
    }
}
