package dev.hubsim.events;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ClaimSet;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;
import dev.hubsim.links.HubErrors;
import org.apache.qpid.proton.amqp.Symbol;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The IoT hub's built-in Event Hub-compatible endpoint, free of any transport: what an address means, whether a
 * receiver may attach and where it starts, the redirect the hub's {@code /messages/events} paths answer with, and the
 * connection strings that reach it. It shares the broker and ports with the hub; links are told apart by address.
 */
public final class EventHubEndpoint {
    public static final String SCHEME = "amqps";
    public static final int SDK_AMQPS_PORT = 5671;
    public static final int SDK_AMQP_PORT = 5672;
    public static final Symbol INFO_HOSTNAME = Symbol.valueOf("hostname");
    public static final Symbol INFO_NETWORK_HOST = Symbol.valueOf("network-host");
    public static final Symbol INFO_PORT = Symbol.valueOf("port");
    public static final Symbol INFO_ADDRESS = Symbol.valueOf("address");

    private final EventHubSettings settings;
    private final EventStore store;
    private final EventHubTokens tokens;
    private final ManagementNode management;
    private final ReceiverRegistry receivers = new ReceiverRegistry();
    private final Clock clock;
    private volatile int amqpsPort = SDK_AMQPS_PORT;
    private volatile int amqpPort = SDK_AMQP_PORT;
    private volatile String networkHost;

    public EventHubEndpoint(EventHubSettings settings, EventStore store, EventHubTokens tokens, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.management = new ManagementNode(settings, store, tokens, clock);
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

    public EventHubTokens tokens() {
        return tokens;
    }

    public ManagementNode management() {
        return management;
    }

    public ReceiverRegistry receivers() {
        return receivers;
    }

    public EventHubPath parse(String address, boolean clientReceives) {
        return EventHubPath.parse(address, settings.name(), clientReceives);
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

    /** The {@code info} map of {@code amqp:link:redirect} (reference/iothub-amqp.md §5.2), symbol keys. */
    public Map<Symbol, Object> redirectInfo(String suffix) {
        Map<Symbol, Object> info = new LinkedHashMap<>();
        info.put(INFO_HOSTNAME, settings.hostName());
        info.put(INFO_NETWORK_HOST, networkHost);
        // int, as Artemis' own connection redirect sends it.
        info.put(INFO_PORT, amqpsPort);
        info.put(INFO_ADDRESS, address(suffix));
        return info;
    }

    /** Whether a receiver may attach, and from where: refused with a condition, or admitted with its first sequence number. */
    public sealed interface ReceiverDecision {
        record Open(Partition partition, StartPosition start) implements ReceiverDecision {
        }

        record Refused(Symbol condition, String description) implements ReceiverDecision {
        }
    }

    /**
     * Checks a receiver's claim, consumer group, partition and filter. Epoch rules are applied afterwards through
     * {@link #receivers()}, once the link can be displaced.
     */
    public ReceiverDecision openReceiver(EventHubPath.PartitionReceiver path, Object filter, ClaimSet claims) {
        Optional<Claim> claim = claims.covering(Permission.SERVICE_CONNECT, path.resource(settings.name()), clock.instant());
        if (claim.isEmpty()) {
            return new ReceiverDecision.Refused(HubErrors.UNAUTHORIZED_ACCESS, EventHubErrors.noClaim(path.address(),
                    "amqp://" + settings.hostName() + "/" + settings.name() + "/" + EventHubPath.CONSUMER_GROUPS + "/"
                            + path.consumerGroup() + "/" + EventHubPath.PARTITIONS + "/" + path.partitionId()));
        }
        if (!settings.hasConsumerGroup(path.consumerGroup())) {
            return new ReceiverDecision.Refused(HubErrors.NOT_FOUND,
                    EventHubErrors.unknownConsumerGroup(settings.hostName(), settings.name(), path.consumerGroup()));
        }
        Partition partition = store.partition(path.partitionId());
        if (partition == null) {
            return new ReceiverDecision.Refused(HubErrors.ARGUMENT_OUT_OF_RANGE, EventHubErrors.UNKNOWN_PARTITION);
        }
        if (filter != null && !(filter instanceof String)) {
            return new ReceiverDecision.Refused(HubErrors.ARGUMENT_ERROR, EventHubErrors.filterNotAString(filter));
        }
        try {
            return new ReceiverDecision.Open(partition, StartPosition.parse((String) filter));
        } catch (StartPosition.MalformedFilterException e) {
            return new ReceiverDecision.Refused(HubErrors.ARGUMENT_ERROR, e.getMessage());
        }
    }

    public Clock clock() {
        return clock;
    }
}
