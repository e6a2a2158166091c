package dev.hubsim.throttling;

import java.util.Locale;

/**
 * IoT Hub's tiers with their documented throttles and daily message quota (reference/iothub-twin-methods-mqtt.md §7.1,
 * from the quotas-and-throttling article): rates per second for the given number of units. The basic tiers have the
 * rates of their standard twins but no cloud-to-device messaging, twins or direct methods.
 */
public enum Tier {
    F1(1, false, 8_000, 512, 1),
    S1(1, false, 400_000, 4096, 200),
    S2(2, false, 6_000_000, 4096, 200),
    S3(3, false, 300_000_000, 4096, 10),
    B1(1, true, 400_000, 4096, 200),
    B2(2, true, 6_000_000, 4096, 200),
    B3(3, true, 300_000_000, 4096, 10);

    private final int size;
    private final boolean basic;
    private final long messagesPerUnitPerDay;
    private final int meterBytes;
    private final int maxUnits;

    Tier(int size, boolean basic, long messagesPerUnitPerDay, int meterBytes, int maxUnits) {
        this.size = size;
        this.basic = basic;
        this.messagesPerUnitPerDay = messagesPerUnitPerDay;
        this.meterBytes = meterBytes;
        this.maxUnits = maxUnits;
    }

    /** Basic tiers lack cloud-to-device messaging, twins and direct methods. */
    public boolean basic() {
        return basic;
    }

    /** Whether this tier offers the operation at all. */
    public boolean offers(Operation op) {
        return !basic || switch (op) {
            case C2D_SEND, TWIN_READ, TWIN_UPDATE, METHOD -> false;
            default -> true;
        };
    }

    /** Messages a day for this many units, each message counted in {@link #meterBytes()} chunks. */
    public long dailyQuota(int units) {
        return messagesPerUnitPerDay * units;
    }

    /** The metering chunk: 0.5 KB on F1, 4 KB otherwise. */
    public int meterBytes() {
        return meterBytes;
    }

    public int maxUnits() {
        return maxUnits;
    }

    /** The sustained rate of one operation for this many units, per second (methods: 4 KB units per second). */
    public double rate(Operation op, int units) {
        return switch (op) {
            case D2C_SEND, CONNECT -> size == 1 ? Math.max(100, 12.0 * units) : size == 2 ? 120.0 * units : 6000.0 * units;
            case C2D_SEND, REGISTRY -> size == 3 ? 5000.0 / 60 * units : 100.0 / 60 * units;
            case METHOD -> (size == 1 ? 160 : size == 2 ? 480 : 24 * 1024) / 4.0 * units;
            case TWIN_READ -> size == 1 ? 100 : size == 2 ? Math.max(100, 10.0 * units) : 500.0 * units;
            case TWIN_UPDATE -> size == 1 ? 50 : size == 2 ? Math.max(50, 5.0 * units) : 250.0 * units;
        };
    }

    /** The units this tier allows: F1 exactly one, S1/S2/B1/B2 up to 200, S3/B3 up to 10. */
    public void checkUnits(int units) {
        if (units < 1 || units > maxUnits) {
            throw new IllegalArgumentException("tier " + this + " takes " + (maxUnits > 1 ? "1 to " + maxUnits + " units" : "exactly 1 unit")
                    + ", not " + units);
        }
    }

    /** {@code S1}, {@code s1}, {@code off} (null). */
    public static Tier parse(String text) {
        if (text == null || text.isBlank() || text.equalsIgnoreCase("off") || text.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tier '" + text + "' (F1, S1, S2, S3, B1, B2, B3 or off)");
        }
    }
}
