package dev.hubsim.throttling;

import java.util.Map;

/** The tier a running simulator plays, its rates and quota, and what it throttled, per device and operation. */
public interface ThrottlingView {
    /** The key of operations that concern no one device (e.g. listing the registry) in {@link #throttledCounts()}. */
    String NO_DEVICE = "$hub";

    ThrottleSettings settings();

    /** The sustained rate of an operation per second (methods: 4 KB units), or infinity with throttling off. */
    double rate(Operation op);

    /** Operations of this kind by this device (or {@link #NO_DEVICE}) that the hub refused as throttled or over quota. */
    long throttled(String deviceId, Operation op);

    /** Refused operations of this kind, all devices. */
    long throttled(Operation op);

    /** Device (or {@link #NO_DEVICE}) to operation name ({@code d2c}, ...) to refused count; only non-zero counts. */
    Map<String, Map<String, Long>> throttledCounts();

    /** Messages charged today (UTC), in metering chunks. */
    long dailyQuotaUsed();

    /** The day's allowance in metering chunks, {@link Long#MAX_VALUE} with throttling off. */
    long dailyQuota();
}
