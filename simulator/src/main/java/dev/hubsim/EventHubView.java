package dev.hubsim;

import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.eventhub.EventHubSettings;
import dev.hubsim.eventhub.Partition;

import java.util.NoSuchElementException;

/** The built-in Event Hub-compatible endpoint of a running simulator, read-only: its settings, partitions and readers. */
public final class EventHubView {
    private final EventHubEndpoint endpoint;

    EventHubView(EventHubEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Name, host, partitions, consumer groups, retention. */
    public EventHubSettings settings() {
        return endpoint.settings();
    }

    /** {@code sb://{host}[:port]/}, as in the connection strings. */
    public String endpoint() {
        return endpoint.endpoint();
    }

    /** Receivers reading a consumer group's partition now. */
    public int readers(String consumerGroup, String partitionId) {
        return endpoint.receivers().readers(consumerGroup, partitionId);
    }

    /** The sequence number the partition's next event will get. */
    public long nextSequenceNumber(String partitionId) {
        return partition(partitionId).nextSequence();
    }

    /** How many events the partition retains now. */
    public int retained(String partitionId) {
        return partition(partitionId).size();
    }

    /** Applies time-based retention to every partition now (it also runs every 10 s and on each append and read). */
    public void applyRetention() {
        endpoint.store().trimExpired();
    }

    private Partition partition(String partitionId) {
        Partition p = endpoint.store().partition(partitionId);
        if (p == null) {
            throw new NoSuchElementException("no partition '" + partitionId + "' (partitions " + settings().partitionIds() + ")");
        }
        return p;
    }
}
