package dev.hubsim.c2d;

import java.time.Duration;

/**
 * The hub's cloud-to-device limits and timings (reference/iothub-amqp.md §7.5, §7.6), each configurable for tests.
 *
 * @param maxQueueDepth      messages a device queue holds, enqueued and locked together (hub: 50)
 * @param maxMessageBytes    encoded size of one message (hub: 64 KB)
 * @param lockTimeout        how long a delivered message stays locked before it returns to the queue (hub: 1 minute)
 * @param maxDeliveryCount   abandons after which a message is dead-lettered (hub: 10, range 1-100)
 * @param defaultTtl         lifetime of a message without {@code absolute-expiry-time} (hub: 1 hour)
 * @param maxTtl             the longest lifetime a message may ask for (hub: 2 days)
 * @param feedbackBatchSize  records per feedback message (hub: 64)
 * @param feedbackInterval   longest wait before a partial feedback batch is sent (hub: 15 s)
 * @param feedbackRetained   feedback messages kept while no service receives them; the oldest go first
 */
public record C2dSettings(int maxQueueDepth, int maxMessageBytes, Duration lockTimeout, int maxDeliveryCount, Duration defaultTtl,
                          Duration maxTtl, int feedbackBatchSize, Duration feedbackInterval, int feedbackRetained) {

    public static final int HUB_MAX_QUEUE_DEPTH = 50;
    public static final int HUB_MAX_MESSAGE_BYTES = 64 * 1024;

    public C2dSettings {
        if (maxDeliveryCount < 1 || maxDeliveryCount > 100) {
            throw new IllegalArgumentException("cloudToDevice.maxDeliveryCount must be 1-100 like the hub's, not " + maxDeliveryCount);
        }
        if (maxQueueDepth < 1 || feedbackBatchSize < 1 || feedbackRetained < 1) {
            throw new IllegalArgumentException("queue depth, feedback batch size and feedback retention must be positive");
        }
    }

    public static C2dSettings hubDefaults() {
        return new C2dSettings(HUB_MAX_QUEUE_DEPTH, HUB_MAX_MESSAGE_BYTES, Duration.ofMinutes(1), 10, Duration.ofHours(1),
                Duration.ofDays(2), 64, Duration.ofSeconds(15), 10_000);
    }

    public C2dSettings withLockTimeout(Duration d) {
        return new C2dSettings(maxQueueDepth, maxMessageBytes, d, maxDeliveryCount, defaultTtl, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withMaxDeliveryCount(int n) {
        return new C2dSettings(maxQueueDepth, maxMessageBytes, lockTimeout, n, defaultTtl, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withDefaultTtl(Duration d) {
        return new C2dSettings(maxQueueDepth, maxMessageBytes, lockTimeout, maxDeliveryCount, d, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }

    public C2dSettings withFeedbackInterval(Duration d) {
        return new C2dSettings(maxQueueDepth, maxMessageBytes, lockTimeout, maxDeliveryCount, defaultTtl, maxTtl, feedbackBatchSize, d, feedbackRetained);
    }

    public C2dSettings withMaxQueueDepth(int n) {
        return new C2dSettings(n, maxMessageBytes, lockTimeout, maxDeliveryCount, defaultTtl, maxTtl, feedbackBatchSize, feedbackInterval, feedbackRetained);
    }
}
