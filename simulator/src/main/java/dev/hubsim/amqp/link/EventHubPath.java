package dev.hubsim.amqp.link;

import dev.hubsim.auth.ResourceUri;

import java.util.List;

/**
 * What a link address means on the Event Hub-compatible endpoint (real-clients.md §4.6):
 * {@code {name}/ConsumerGroups/{cg}/Partitions/{p}} for receivers, {@code $management} or {@code {name}/$management}
 * for the management node; with or without {@code amqps://{host}[:port]}. Literals match case-insensitively.
 */
public sealed interface EventHubPath {
    String MANAGEMENT = "$management";
    String CONSUMER_GROUPS = "ConsumerGroups";
    String PARTITIONS = "Partitions";

    String address();

    /** A consumer group's view of one partition. */
    record PartitionReceiver(String address, String consumerGroup, String partitionId) implements EventHubPath {
        /** The path a claim must cover, relative to the endpoint host. */
        public ResourceUri resource(String eventHubName) {
            return ResourceUri.path(eventHubName, CONSUMER_GROUPS, consumerGroup, PARTITIONS, partitionId);
        }
    }

    record Management(String address) implements EventHubPath {
    }

    /** Under the Event Hub's name, but nothing the built-in endpoint serves (senders, unknown sub-paths). */
    record Unsupported(String address) implements EventHubPath {
    }

    /** Reads a link address; null when it is not an Event Hub address (the hub's paths and {@code $cbs}). */
    static EventHubPath parse(String address, String eventHubName, boolean clientReceives) {
        if (address == null) {
            return null;
        }
        List<String> s = AddressSegments.of(address);
        if (s.size() == 1 && s.get(0).equalsIgnoreCase(MANAGEMENT)) {
            return new Management(address);
        }
        if (s.isEmpty() || !s.get(0).equalsIgnoreCase(eventHubName)) {
            return null;
        }
        if (s.size() == 2 && s.get(1).equalsIgnoreCase(MANAGEMENT)) {
            return new Management(address);
        }
        if (clientReceives && s.size() == 5 && s.get(1).equalsIgnoreCase(CONSUMER_GROUPS) && s.get(3).equalsIgnoreCase(PARTITIONS)) {
            return new PartitionReceiver(address, s.get(2), s.get(4));
        }
        return new Unsupported(address);
    }
}
