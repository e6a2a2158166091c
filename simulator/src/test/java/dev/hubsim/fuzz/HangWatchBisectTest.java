package dev.hubsim.fuzz;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The halving that names the case behind a failed batch, with replays that fail by rule instead of on a broker. */
class HangWatchBisectTest {
    private static final List<Integer> BATCH = IntStream.range(0, 100).boxed().toList();

    @Test
    void oneBadCaseIsFoundWherever() {
        for (int bad : List.of(0, 1, 49, 50, 63, 99)) {
            assertEquals(List.of(bad), HangWatch.bisect(BATCH, cases -> cases.contains(bad)), "case " + bad);
        }
    }

    @Test
    void twoBadCasesGiveTheFirstHalfsOne() {
        assertEquals(List.of(7), HangWatch.bisect(BATCH, cases -> cases.contains(7) || cases.contains(80)));
    }

    @Test
    void casesThatFailOnlyTogetherAreReturnedAsTheSmallestSetHolding() {
        // 10 and 60 fail only together: no half fails alone, so the whole batch is the answer.
        assertEquals(BATCH, HangWatch.bisect(BATCH, cases -> cases.contains(10) && cases.contains(60)));
        // 10 and 20 fail only together: both in the first half, which is halved until they part.
        assertEquals(IntStream.range(0, 25).boxed().toList(), HangWatch.bisect(BATCH, cases -> cases.contains(10) && cases.contains(20)));
    }
}
