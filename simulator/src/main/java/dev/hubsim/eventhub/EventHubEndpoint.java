package dev.hubsim.eventhub;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.errors.Condition;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The IoT hub's built-in Event Hub-compatible endpoint, free of any transport: whether a receiver may attach and where
 * it starts, the redirect the hub's {@code /messages/events} paths answer with, and the connection strings that reach
 * it. It shares the broker and ports with the hub; the AMQP face tells its links apart by address.
 */
public final class EventHubEndpoint {
    public static final String SCHEME = "amqps";
    public static final int SDK_AMQPS_PORT = 5671;
    public static final int SDK_AMQP_PORT = 5672;
    public static final String CONSUMER_GROUPS = "ConsumerGroups";
    public static final String PARTITIONS = "Partitions";
    /** Keys of the redirect's {@code info} map (reference/iothub-amqp.md §5.2). */
    public static final String INFO_HOSTNAME = "hostname";
    public static final String INFO_NETWORK_HOST = "network-host";
    public static final String INFO_PORT = "port";
    public static final String INFO_ADDRESS = "address";

    private final EventHubSettings settings;
    private final EventStore store;
    private final ReceiverRegistry receivers = new ReceiverRegistry();
    private final Clock clock;
    private volatile int amqpsPort = SDK_AMQPS_PORT;
    private volatile int amqpPort = SDK_AMQP_PORT;
    private volatile String networkHost;

    public EventHubEndpoint(EventHubSettings settings, EventStore store, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.networkHost = settings.hostName();
    }

    /** Where the broker listens, once it does: the redirect and the connection strings name these. */
    public void listening(String bindHost, int tlsPort, int plainPort) {
        this.amqpsPort = tlsPort;
        this.amqpPort = plainPort;
        // A wildcard bind says nothing about where to connect; the endpoint's host name does.
        this.networkHost = bindHost == null || bindHost.equals("0.0.0.0") || bindHost.equals("::") ? settings.hostName() : bindHost;
    }

    public EventHubSettings settings() {
        return settings;
    }

    public EventStore store() {
        return store;
    }

    public ReceiverRegistry receivers() {
        return receivers;
    }

    /** {@code sb://{host}[:port]/}; the port only when it is not the one the Event Hubs client assumes. */
    public String endpoint() {
        return "sb://" + settings.hostName() + (amqpsPort == SDK_AMQPS_PORT ? "" : ":" + amqpsPort) + "/";
    }

    /** The Event Hubs connection string for a policy, over TLS. */
    public String connectionString(SharedAccessPolicy policy) {
        return "Endpoint=" + endpoint() + ";SharedAccessKeyName=" + policy.name() + ";SharedAccessKey=" + policy.primaryKey()
                + ";EntityPath=" + settings.name();
    }

    /** The same for the Event Hubs client's development-emulator mode: plain AMQP on the plain port. */
    public String developmentEmulatorConnectionString(SharedAccessPolicy policy) {
        return "Endpoint=sb://" + settings.hostName() + (amqpPort == SDK_AMQP_PORT ? "" : ":" + amqpPort) + "/;SharedAccessKeyName="
                + policy.name() + ";SharedAccessKey=" + policy.primaryKey() + ";EntityPath=" + settings.name()
                + ";UseDevelopmentEmulator=true";
    }

    /** The full address of a path on this endpoint: {@code amqps://{host}:{port}/{name}/{suffix}}. */
    public String address(String suffix) {
        return SCHEME + "://" + settings.hostName() + ":" + amqpsPort + "/" + settings.name() + "/" + suffix;
    }

    /** The {@code info} map of {@code amqp:link:redirect} (reference/iothub-amqp.md §5.2), in this order. */
    public Map<String, Object> redirectInfo(String suffix) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(INFO_HOSTNAME, settings.hostName());
        info.put(INFO_NETWORK_HOST, networkHost);
        // int, as Artemis' own connection redirect sends it.
        info.put(INFO_PORT, amqpsPort);
        info.put(INFO_ADDRESS, address(suffix));
        return info;
    }

    /** Whether a receiver may attach, and from where: refused with a condition, or admitted with its start. */
    public sealed interface ReceiverDecision {
        /** @param claim the claim that let it attach; when it expires, the receiver goes */
        record Open(Partition partition, StartPosition start, Claim claim) implements ReceiverDecision {
        }

        record Refused(Condition condition, String description) implements ReceiverDecision {
        }
    }

    /** The path a claim must cover to read a consumer group's partition, relative to the endpoint host. */
    public ResourceUri receiverResource(String consumerGroup, String partitionId) {
        return ResourceUri.path(settings.name(), CONSUMER_GROUPS, consumerGroup, PARTITIONS, partitionId);
    }

    /**
     * Checks a receiver's claim, consumer group, partition and start filter ({@code null} when absent). Epoch rules are
     * applied afterwards through {@link #receivers()}, once the link can be displaced.
     */
    public ReceiverDecision openReceiver(String address, String consumerGroup, String partitionId, Object filter, ConnectionClaims claims) {
        Optional<Claim> claim = claims.covering(ConnectionClaims.Endpoint.EVENT_HUB, Permission.SERVICE_CONNECT,
                receiverResource(consumerGroup, partitionId));
        if (claim.isEmpty()) {
            return new ReceiverDecision.Refused(Condition.UNAUTHORIZED_ACCESS, EventHubErrors.noClaim(address,
                    "amqp://" + settings.hostName() + "/" + settings.name() + "/" + CONSUMER_GROUPS + "/" + consumerGroup + "/"
                            + PARTITIONS + "/" + partitionId));
        }
        if (!settings.hasConsumerGroup(consumerGroup)) {
            return new ReceiverDecision.Refused(Condition.NOT_FOUND,
                    EventHubErrors.unknownConsumerGroup(settings.hostName(), settings.name(), consumerGroup));
        }
        Partition partition = store.partition(partitionId);
        if (partition == null) {
            return new ReceiverDecision.Refused(Condition.ARGUMENT_OUT_OF_RANGE, EventHubErrors.UNKNOWN_PARTITION);
        }
        if (filter != null && !(filter instanceof String)) {
            return new ReceiverDecision.Refused(Condition.ARGUMENT_ERROR, EventHubErrors.filterNotAString(filter));
        }
        try {
            return new ReceiverDecision.Open(partition, StartPosition.parse((String) filter), claim.get());
        } catch (StartPosition.MalformedFilterException e) {
            return new ReceiverDecision.Refused(Condition.ARGUMENT_ERROR, e.getMessage());
        }
    }

    public Clock clock() {
        return clock;
    }
}
