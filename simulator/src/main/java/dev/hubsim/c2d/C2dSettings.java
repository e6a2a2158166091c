package dev.hubsim.c2d;

import java.time.Duration;

/**
 * The hub's cloud-to-device timings and delivery-count limit (sizes and queue depth are limits of the
 * {@link dev.hubsim.limits.LimitProfile}) (reference/iothub-amqp.md §7.5, §7.6), each configurable for tests.
 *
 * @param lockTimeout        how long a delivered message stays locked before it returns to the queue (hub: 1 minute)
 * @param maxDeliveryCount   abandons after which a message is dead-lettered (hub: 10, range 1-100)
 * @param defaultTtl         lifetime of a message without {@code absolute-expiry-time} (hub: 1 hour)
 * @param maxTtl             the longest lifetime a message may ask for (hub: 2 days)
 * @param feedbackBatchSize  records per feedback message (hub: 64)
 * @param feedbackInterval   longest wait before a partial feedback batch is sent (hub: 15 s)
 * @param feedbackRetained   feedback messages kept while no service receives them; the oldest go first
 */
public record C2dSettings(Duration lockTimeout, int maxDeliveryCount, Duration defaultTtl,
                          Duration maxTtl, int feedbackBatchSize, Duration feedbackInterval, int feedbackRetained) {

    public C2dSettings {
        if (maxDeliveryCount < 1 || maxDeliveryCount > 100) {
            throw new IllegalArgumentException("cloudToDevice.maxDeliveryCount must be 1-100 like the hub's, not " + maxDeliveryCount);
        }
        if (feedbackBatchSize < 1 || feedbackRetained < 1) {
            throw new IllegalArgumentException("feedback batch size and feedback retention must be positive");
        }
    }

    public static C2dSettings hubDefaults() {
        return new C2dSettings(Duration.ofMinutes(1), 10, Duration.ofHours(1),
                Duration.ofDays(2), 64, Duration.ofSeconds(15), 10_000);
    }

    public C2dSettings withLockTimeout(Duration d) {
        return new C2dSettings(d, maxDeliveryCount, defaultTtl, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withMaxDeliveryCount(int n) {
        return new C2dSettings(lockTimeout, n, defaultTtl, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withDefaultTtl(Duration d) {
        return new C2dSettings(lockTimeout, maxDeliveryCount, d, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withFeedbackInterval(Duration d) {
        return new C2dSettings(lockTimeout, maxDeliveryCount, defaultTtl, maxTtl, feedbackBatchSize, d, feedbackRetained);
    }

    public C2dSettings withFeedbackBatchSize(int n) {
        return new C2dSettings(lockTimeout, maxDeliveryCount, defaultTtl, maxTtl, n, feedbackInterval, feedbackRetained);
    }
}
