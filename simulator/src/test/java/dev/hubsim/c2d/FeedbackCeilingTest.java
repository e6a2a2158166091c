package dev.hubsim.c2d;

import dev.hubsim.codec.FeedbackMessages;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Feedback nobody receives stops at {@code feedbackRetained} messages, the oldest dropped and counted, however many
 * records keep coming.
 */
class FeedbackCeilingTest {
    @Test
    void feedbackWaitingForAServiceStopsAtTheRetainedBound() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            C2dSettings settings = C2dSettings.hubDefaults().withFeedbackBatchSize(4);
            settings = new C2dSettings(settings.lockTimeout(), settings.maxDeliveryCount(), settings.defaultTtl(), settings.maxTtl(),
                    settings.feedbackBatchSize(), settings.feedbackInterval(), 25);
            FeedbackQueue queue = new FeedbackQueue("simhub", settings, Clock.systemUTC(), timer, C2dStore.IN_MEMORY, new AtomicLong(),
                    C2dStore.Recovered.empty(), new FeedbackMessages());
            for (int i = 0; i < 4 * 1000; i++) {
                queue.add(new FeedbackRecord("m" + i, "2026-01-01T00:00:00Z", FeedbackStatus.SUCCESS, "Success", "device1", "gen"));
            }
            assertEquals(25, queue.waiting(), "at most feedbackRetained messages wait");
            assertEquals(1000 - 25, queue.dropped(), "the rest were dropped, oldest first, and counted");
        } finally {
            timer.shutdownNow();
        }
    }
}
