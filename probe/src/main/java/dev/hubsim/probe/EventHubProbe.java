package dev.hubsim.probe;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A reader of an Event Hub-compatible endpoint, built the way the Event Hubs clients work (reference/iothub-amqp.md
 * §5-§6): ANONYMOUS + an Event Hubs SAS token on $cbs for {@code amqp://{host}/{name}}, READ requests on
 * {@code $management} for partition facts, and partition receivers with an {@code apache.org:selector-filter:string}.
 */
public final class EventHubProbe implements AutoCloseable {
    public static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");
    /** The receiver link property of an epoch (exclusive) reader. */
    public static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    private static final String MANAGEMENT = "$management";

    private final ProbeConnection connection;
    private final Session session;
    private final String hostName;
    private final String eventHubName;
    private final ConnectionString policy;
    private Sender managementSender;
    private Receiver managementReceiver;
    private CbsProbe.Reply putTokenReply;

    private EventHubProbe(ProbeConnection connection, String hostName, String eventHubName, ConnectionString policy) {
        this.connection = connection;
        this.session = connection.awaitSession();
        this.hostName = hostName;
        this.eventHubName = eventHubName;
        this.policy = policy;
    }

    /** Connects to the endpoint and puts a token for the whole Event Hub; fails unless the put-token is answered 200. */
    public static EventHubProbe connect(Endpoint endpoint, String hostName, String eventHubName, ConnectionString policy) throws Exception {
        EventHubProbe probe = open(endpoint, hostName, eventHubName, policy);
        if (!"200".equals(String.valueOf(probe.putTokenReply.statusCode()))) {
            probe.close();
            throw new IllegalStateException("the Event Hub-compatible endpoint answered the put-token for " + probe.audience() + " with "
                    + probe.putTokenReply.statusCode() + " " + probe.putTokenReply.statusDescription());
        }
        return probe;
    }

    /** Connects to the endpoint and puts a token for the whole Event Hub; {@link #putTokenReply()} says how it was answered. */
    public static EventHubProbe open(Endpoint endpoint, String hostName, String eventHubName, ConnectionString policy) throws Exception {
        ProbeConnection connection = ProbeConnection.connect(endpoint, SaslChoice.anonymous(), "hubsim-specs-eh-" + UUID.randomUUID());
        EventHubProbe probe = new EventHubProbe(connection, hostName, eventHubName, policy);
        CbsProbe cbs = new CbsProbe(connection, probe.session);
        ProbeConnection.LinkOutcome attached = cbs.awaitAttached();
        if (!attached.attached()) {
            probe.close();
            throw new IllegalStateException("the Event Hub-compatible endpoint refused $cbs: " + attached.condition() + " " + attached.description());
        }
        probe.putTokenReply = cbs.putToken(UUID.randomUUID(), probe.audience(), probe.token());
        return probe;
    }

    /** The reply to the put-token {@link #open} sent. */
    public CbsProbe.Reply putTokenReply() {
        return putTokenReply;
    }

    public ProbeConnection connection() {
        return connection;
    }

    private String audience() {
        return "amqp://" + hostName + "/" + eventHubName;
    }

    private String token() {
        return SasTokens.eventHubToken(audience(), policy, Instant.now().plusSeconds(3600));
    }

    /** The Event Hub's partition IDs, from a READ of type com.microsoft:eventhub. */
    public List<String> partitionIds() {
        Object ids = read("com.microsoft:eventhub", null).get("partition_ids");
        return ids instanceof String[] array ? Arrays.asList(array) : List.of();
    }

    /** last_enqueued_sequence_number of a partition (-1 when it is empty), from a READ of type com.microsoft:partition. */
    public long lastSequenceNumber(String partitionId) {
        return ((Number) read("com.microsoft:partition", partitionId).get("last_enqueued_sequence_number")).longValue();
    }

    private Map<?, ?> read(String type, String partitionId) {
        if (managementSender == null) {
            managementSender = connection.sender(session, "probe-mgmt-sender", MANAGEMENT);
            managementReceiver = connection.receiver(session, "probe-mgmt-receiver", MANAGEMENT, 10);
            connection.awaitAttach(managementSender);
            connection.awaitAttach(managementReceiver);
        }
        Message request = Proton.message();
        request.setMessageId(UUID.randomUUID().toString());
        request.setReplyTo("probe-mgmt-receiver");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "READ");
        props.put("name", eventHubName);
        props.put("type", type);
        props.put("security_token", token());
        if (partitionId != null) {
            props.put("partition", partitionId);
        }
        request.setApplicationProperties(new ApplicationProperties(props));
        request.setBody(new AmqpValue(null));
        connection.awaitOutcome(connection.send(managementSender, request));
        ProbeConnection.Received reply = connection.awaitMessage(managementReceiver);
        connection.settle(reply, Accepted.getInstance());
        connection.flow(managementReceiver, 1);
        Object body = reply.message().getBody() instanceof AmqpValue v ? v.getValue() : null;
        if (!(body instanceof Map<?, ?> map)) {
            throw new IllegalStateException("$management READ " + type + " answered " + reply.message().getApplicationProperties().getValue()
                    + " without a map body");
        }
        return map;
    }

    /** A receiver on one partition of a consumer group, starting after {@code sequenceNumber}. */
    public Receiver receiverAfter(String consumerGroup, String partitionId, long sequenceNumber, int credit) {
        return receiverWithFilter(consumerGroup, partitionId, "amqp.annotation.x-opt-sequence-number > '" + sequenceNumber + "'", credit);
    }

    /** A receiver on one partition of a consumer group with this selector-filter expression (reference §6.2). */
    public Receiver receiverWithFilter(String consumerGroup, String partitionId, String expression, int credit) {
        Source source = source(eventHubName + "/ConsumerGroups/" + consumerGroup + "/Partitions/" + partitionId, expression);
        Receiver receiver = connection.receiver(session, "probe-eh-" + UUID.randomUUID(), source, credit);
        ProbeConnection.LinkOutcome out = connection.awaitAttach(receiver);
        if (!out.attached()) {
            throw new IllegalStateException("the partition receiver on " + source.getAddress() + " was refused: " + out.condition() + " " + out.description());
        }
        return receiver;
    }

    /** A partition source with the selector filter as a described value, as the Event Hubs clients send it; none when null. */
    public static Source source(String address, String expression) {
        Source source = new Source();
        source.setAddress(address);
        if (expression != null) {
            Map<Symbol, Object> filters = new LinkedHashMap<>();
            filters.put(SELECTOR_FILTER, new UnknownDescribedType(SELECTOR_FILTER, expression));
            source.setFilter(filters);
        }
        return source;
    }

    @Override
    public void close() {
        connection.close();
    }
}
