package dev.hubsim.eventhub;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The hub's built-in Event Hub-compatible endpoint.
 *
 * @param name            {@code eventHubCompatibleName}, the entity path ({@code EntityPath=})
 * @param hostName        the endpoint's host ({@code Endpoint=sb://{hostName}/}); the Event Hubs client verifies it
 *                        against the server certificate, so it must be one of the certificate's names
 * @param partitionCount  number of partitions, ids "0".."n-1"
 * @param consumerGroups  consumer groups, always including {@code $Default}
 * @param retention       how long an event is kept
 * @param retainedEvents  how many events a partition keeps at most (the oldest go first); bounds memory
 */
public record EventHubSettings(String name, String hostName, int partitionCount, List<String> consumerGroups,
                               Duration retention, long retainedEvents) {
    public static final String DEFAULT_CONSUMER_GROUP = "$Default";
    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PARTITIONS = 4;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);
    public static final long DEFAULT_RETAINED_EVENTS = 10_000;

    public EventHubSettings {
        consumerGroups = List.copyOf(consumerGroups);
    }

    public EventHubSettings withRetainedEvents(long events) {
        return new EventHubSettings(name, hostName, partitionCount, consumerGroups, retention, events);
    }

    public boolean hasConsumerGroup(String group) {
        return consumerGroups.stream().anyMatch(g -> g.equalsIgnoreCase(group));
    }

    public boolean hasPartition(String partitionId) {
        return partitionIndex(partitionId) >= 0;
    }

    /** The index of a partition id ("0".."n-1"), or -1. */
    public int partitionIndex(String partitionId) {
        if (partitionId == null || !partitionId.matches("\\d{1,4}")) {
            return -1;
        }
        int index = Integer.parseInt(partitionId);
        return index < partitionCount ? index : -1;
    }

    public List<String> partitionIds() {
        return java.util.stream.IntStream.range(0, partitionCount).mapToObj(Integer::toString).toList();
    }

    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
