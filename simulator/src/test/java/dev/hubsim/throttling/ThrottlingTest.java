package dev.hubsim.throttling;

import dev.hubsim.errors.Condition;
import dev.hubsim.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttles at their boundaries, on a clock the test moves: accepted at N, queued or refused at N+1. */
class ThrottlingTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void documentedRatesPerTierAndUnits() {
        assertEquals(100, Tier.S1.rate(Operation.D2C_SEND, 1));
        assertEquals(120, Tier.S1.rate(Operation.D2C_SEND, 10), "S1: the higher of 100/s or 12/s/unit");
        assertEquals(240, Tier.S2.rate(Operation.D2C_SEND, 2));
        assertEquals(6000, Tier.B3.rate(Operation.CONNECT, 1));
        assertEquals(100.0 / 60, Tier.S1.rate(Operation.C2D_SEND, 1), 1e-9);
        assertEquals(5000.0 / 60 * 2, Tier.S3.rate(Operation.REGISTRY, 2), 1e-9);
        assertEquals(40, Tier.S1.rate(Operation.METHOD, 1), "160 KB/s in 4 KB units");
        assertEquals(100, Tier.S1.rate(Operation.TWIN_READ, 5));
        assertEquals(50, Tier.S2.rate(Operation.TWIN_UPDATE, 5));
        assertEquals(8_000, Tier.F1.dailyQuota(1));
        assertEquals(800_000, Tier.S1.dailyQuota(2));
        assertEquals(512, Tier.F1.meterBytes());
        assertEquals(4096, Tier.S1.meterBytes());
        assertTrue(Tier.S1.offers(Operation.C2D_SEND));
        assertTrue(!Tier.B1.offers(Operation.C2D_SEND) && !Tier.B2.offers(Operation.METHOD) && !Tier.B3.offers(Operation.TWIN_READ));
        assertTrue(Tier.B1.offers(Operation.D2C_SEND) && Tier.B1.offers(Operation.REGISTRY));
        assertThrows(IllegalArgumentException.class, () -> ThrottleSettings.of(Tier.F1, 2));
        assertThrows(IllegalArgumentException.class, () -> ThrottleSettings.of(Tier.S3, 11));
        ThrottleSettings.of(Tier.S3, 10);
        assertNull(Tier.parse("off"));
        assertEquals(Tier.B2, Tier.parse("b2"));
    }

    /** S1 x 1: 100/s, a burst of 100, a backlog of 500; with the clock stopped the 601st is refused. */
    @Test
    void burstThenQueueThenBacklogFullAtTheBoundary() {
        Throttling t = new Throttling(ThrottleSettings.of(Tier.S1, 1), clock);
        for (int i = 1; i <= 100; i++) {
            assertEquals(0, t.admit(Operation.D2C_SEND, "d1", 1, 10), "burst operation " + i + " is served at once");
        }
        assertEquals(10_000_000L, t.admit(Operation.D2C_SEND, "d1", 1, 10), "the 101st waits one interval (10 ms)");
        for (int i = 102; i <= 600; i++) {
            assertEquals((i - 100) * 10_000_000L, t.admit(Operation.D2C_SEND, "d1", 1, 10), "queued operation " + i);
        }
        long refused = t.admit(Operation.D2C_SEND, "d1", 1, 10);
        assertEquals(Refusal.BACKLOG_FULL, Throttling.refusal(refused), "the 601st finds the 5 s backlog full");
        assertEquals(1, t.throttled("d1", Operation.D2C_SEND));
        assertEquals(0, t.throttled("d2", Operation.D2C_SEND));
        assertEquals(0, t.throttled(Operation.C2D_SEND), "throttles are per operation");
        clock.advance(Duration.ofMillis(10));
        assertEquals(5_000_000_000L, t.admit(Operation.D2C_SEND, "d2", 1, 10), "10 ms later one slot is free again, at the back");
        assertEquals(Refusal.BACKLOG_FULL, Throttling.refusal(t.admit(Operation.D2C_SEND, "d2", 1, 10)));
    }

    @Test
    void sustainedRateRecovers() {
        Throttling t = new Throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(0).withBacklog(0, Duration.ZERO), clock);
        assertEquals(0, t.admit(Operation.C2D_SEND, "d1", 1, 10));
        assertEquals(Refusal.BACKLOG_FULL, Throttling.refusal(t.admit(Operation.C2D_SEND, "d1", 1, 10)), "no burst, no backlog: the second is refused");
        clock.advance(Duration.ofMillis(599));
        assertTrue(t.admit(Operation.C2D_SEND, "d1", 1, 10) < 0, "1.67/s: 599 ms is too early");
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, t.admit(Operation.C2D_SEND, "d1", 1, 10), "600 ms later it is served");
    }

    @Test
    void waitingTooLongIsTheBacklogTimeout() {
        Throttling t = new Throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(0).withBacklog(100, Duration.ofMillis(1200)), clock);
        assertEquals(0, t.admit(Operation.REGISTRY, null, 1, 0));
        assertEquals(600_000_000L, t.admit(Operation.REGISTRY, null, 1, 0));
        assertEquals(1_200_000_000L, t.admit(Operation.REGISTRY, null, 1, 0), "a wait of exactly the maximum is queued");
        long refused = t.admit(Operation.REGISTRY, null, 1, 0);
        assertEquals(Refusal.BACKLOG_TIMEOUT, Throttling.refusal(refused));
        assertEquals(429003, Throttling.refusal(refused).errorCode());
        assertEquals(1, t.throttled(ThrottlingView.NO_DEVICE, Operation.REGISTRY));
    }

    @Test
    void methodsCostTheir4KbUnits() {
        Throttling t = new Throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(1).withBacklog(0, Duration.ZERO), clock);
        assertEquals(0, t.admit(Operation.METHOD, "d1", 40, 0), "a 160 KB call takes the whole second's 40 units");
        assertTrue(t.admit(Operation.METHOD, "d1", 1, 0) < 0, "nothing left");
        clock.advance(Duration.ofMillis(24));
        assertTrue(t.admit(Operation.METHOD, "d1", 1, 0) < 0, "one unit regenerates in 25 ms");
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, t.admit(Operation.METHOD, "d1", 1, 0));
    }

    /** F1: 8,000 messages a day in 0.5 KB chunks: a 1 KB message counts 2; the quota renews at 00:00 UTC. */
    @Test
    void dailyQuotaAtItsBoundaryAndAtMidnight() {
        MutableClock late = new MutableClock(Instant.parse("2026-03-01T23:59:00Z"));
        Throttling t = new Throttling(ThrottleSettings.of(Tier.F1, 1).withBacklog(1_000_000, Duration.ofDays(2)), late);
        assertEquals(8_000, t.dailyQuota());
        for (int i = 0; i < 3_999; i++) {
            assertTrue(t.admit(Operation.D2C_SEND, "d1", 1, 1024) >= 0);
        }
        assertEquals(7_998, t.dailyQuotaUsed());
        assertTrue(t.admit(Operation.D2C_SEND, "d1", 1, 512) >= 0);
        assertTrue(t.admit(Operation.D2C_SEND, "d1", 1, 1) >= 0, "exactly 8,000 chunks");
        long refused = t.admit(Operation.D2C_SEND, "d1", 1, 1);
        assertEquals(Refusal.QUOTA_EXCEEDED, Throttling.refusal(refused));
        assertEquals(403002, Throttling.refusal(refused).errorCode());
        assertEquals(Condition.RESOURCE_LIMIT_EXCEEDED, Throttling.refusal(refused).condition());
        assertTrue(t.admit(Operation.REGISTRY, null, 1, 0) >= 0, "operations that are not messages go on");
        late.advance(Duration.ofMinutes(1));
        assertTrue(t.admit(Operation.D2C_SEND, "d1", 1, 1) >= 0, "a new UTC day, a new quota");
        assertEquals(1, t.dailyQuotaUsed());
    }

    @Test
    void injectedThrottlesHitTheNamedDeviceAndKindOnlyAndWorkWithoutATier() {
        Throttling t = new Throttling(ThrottleSettings.OFF, clock);
        t.throttleNext("d1", Operation.D2C_SEND, 2);
        assertEquals(0, t.admit(Operation.D2C_SEND, "d2", 1, 10), "another device");
        assertEquals(0, t.admit(Operation.C2D_SEND, "d1", 1, 10), "another kind");
        assertEquals(Refusal.THROTTLED, Throttling.refusal(t.admit(Operation.D2C_SEND, "d1", 1, 10)));
        assertEquals(Refusal.THROTTLED, Throttling.refusal(t.admit(Operation.D2C_SEND, "d1", 1, 10)));
        assertEquals(0, t.admit(Operation.D2C_SEND, "d1", 1, 10), "the third goes through");
        assertEquals(2, t.throttled("d1", Operation.D2C_SEND));
        assertEquals(java.util.Map.of("d1", java.util.Map.of("d2c", 2L)), t.throttledCounts());
        t.exhaustDailyQuota();
        assertEquals(Refusal.QUOTA_EXCEEDED, Throttling.refusal(t.admit(Operation.D2C_SEND, "d2", 1, 10)));
        t.reset();
        assertEquals(0, t.admit(Operation.D2C_SEND, "d2", 1, 10));
        assertEquals(java.util.Map.of(), t.throttledCounts());
    }

    @Test
    void basicTiersRefuseWhatTheyLack() {
        Throttling t = new Throttling(ThrottleSettings.of(Tier.B1, 1), clock);
        long refused = t.admit(Operation.C2D_SEND, "d1", 1, 10);
        assertEquals(Refusal.NOT_IN_TIER, Throttling.refusal(refused));
        assertEquals(403010, Throttling.refusal(refused).errorCode());
        assertEquals(0, t.admit(Operation.D2C_SEND, "d1", 1, 10));
    }
}
