package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.eventhub.EventHubErrors;
import dev.hubsim.eventhub.EventHubSettings;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.eventhub.Partition;
import dev.hubsim.registry.Permission;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Event Hub's {@code $management} node, free of any transport: answers the Event Hubs clients' {@code READ}
 * requests (real-clients.md §4.6; the keys are those azure-messaging-eventhubs 5.21 reads in EventHubMessageSerializer).
 * Each request carries its own {@code security_token}; a request without one needs a claim on the connection.
 */
final class ManagementNode {
    public static final String ADDRESS = "$management";
    public static final String OPERATION = "operation";
    public static final String READ = "READ";
    public static final String TYPE = "type";
    public static final String TYPE_EVENTHUB = "com.microsoft:eventhub";
    public static final String TYPE_PARTITION = "com.microsoft:partition";
    public static final String NAME = "name";
    public static final String PARTITION = "partition";
    public static final String SECURITY_TOKEN = "security_token";
    public static final String STATUS_CODE = "status-code";
    public static final String STATUS_DESCRIPTION = "status-description";

    public static final String CREATED_AT = "created_at";
    public static final String PARTITION_COUNT = "partition_count";
    public static final String PARTITION_IDS = "partition_ids";
    public static final String BEGIN_SEQUENCE_NUMBER = "begin_sequence_number";
    public static final String LAST_ENQUEUED_SEQUENCE_NUMBER = "last_enqueued_sequence_number";
    public static final String LAST_ENQUEUED_OFFSET = "last_enqueued_offset";
    public static final String LAST_ENQUEUED_TIME_UTC = "last_enqueued_time_utc";
    public static final String RUNTIME_INFO_RETRIEVAL_TIME_UTC = "runtime_info_retrieval_time_utc";
    public static final String IS_PARTITION_EMPTY = "is_partition_empty";

    private final EventHubSettings settings;
    private final EventStore store;
    private final TokenValidator tokens;
    private final Clock clock;
    private final Date createdAt;

    public ManagementNode(EventHubSettings settings, EventStore store, TokenValidator tokens, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.createdAt = new Date(clock.millis());
    }

    /** The reply to one request; {@code claims} are the connection's Event Hub claims. */
    public Message handle(Message request, ConnectionClaims claims) {
        Map<String, Object> props = request.getApplicationProperties() == null ? Map.of() : request.getApplicationProperties().getValue();
        Object operation = props.get(OPERATION);
        if (!READ.equals(operation)) {
            return reply(request, 400, EventHubErrors.badManagementRequest("has operation '" + operation + "'; this node answers 'READ'."), null);
        }
        TokenVerdict.Refused refusal = authorize(props.get(SECURITY_TOKEN), claims);
        if (refusal != null) {
            return reply(request, refusal.statusCode(), refusal.description(), null);
        }
        Object name = props.get(NAME);
        if (!(name instanceof String n) || !n.equalsIgnoreCase(settings.name())) {
            return reply(request, 404, EventHubErrors.badManagementRequest("names Event Hub '" + name + "'; this endpoint serves '"
                    + settings.name() + "'."), null);
        }
        Object type = props.get(TYPE);
        if (TYPE_EVENTHUB.equals(type)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(NAME, settings.name());
            body.put(TYPE, TYPE_EVENTHUB);
            body.put(CREATED_AT, createdAt);
            body.put(PARTITION_COUNT, settings.partitionCount());
            body.put(PARTITION_IDS, settings.partitionIds().toArray(new String[0]));
            return reply(request, 200, "OK", body);
        }
        if (TYPE_PARTITION.equals(type)) {
            Object partitionId = props.get(PARTITION);
            Partition partition = partitionId instanceof String id ? store.partition(id) : null;
            if (partition == null) {
                return reply(request, 404, EventHubErrors.badManagementRequest("names partition '" + partitionId + "'; "
                        + EventHubErrors.UNKNOWN_PARTITION), null);
            }
            Partition.RuntimeInfo info = partition.runtimeInfo();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(NAME, settings.name());
            body.put(TYPE, TYPE_PARTITION);
            body.put(PARTITION, info.partitionId());
            body.put(BEGIN_SEQUENCE_NUMBER, info.beginSequenceNumber());
            body.put(LAST_ENQUEUED_SEQUENCE_NUMBER, info.lastSequenceNumber());
            body.put(LAST_ENQUEUED_OFFSET, Long.toString(info.lastOffset()));
            body.put(LAST_ENQUEUED_TIME_UTC, new Date(info.lastEnqueuedTime()));
            body.put(RUNTIME_INFO_RETRIEVAL_TIME_UTC, new Date(clock.millis()));
            body.put(IS_PARTITION_EMPTY, info.empty());
            return reply(request, 200, "OK", body);
        }
        return reply(request, 400, EventHubErrors.badManagementRequest("has type '" + type + "'; expected '" + TYPE_EVENTHUB
                + "' or '" + TYPE_PARTITION + "'."), null);
    }

    /** Null when the request may be answered; else the refusal, with the status of the token's failure. */
    private TokenVerdict.Refused authorize(Object securityToken, ConnectionClaims claims) {
        if (securityToken instanceof String token) {
            TokenVerdict verdict = tokens.validate(token, settings.hostName() + "/" + settings.name(), Claim.Method.CBS);
            if (verdict instanceof TokenVerdict.Refused refused) {
                return new TokenVerdict.Refused(refused.failure(), "The security_token is not valid: " + refused.description());
            }
            return null;
        }
        if (claims.covering(ConnectionClaims.Endpoint.EVENT_HUB, Permission.SERVICE_CONNECT, ResourceUri.path(settings.name())).isPresent()) {
            return null;
        }
        return new TokenVerdict.Refused(TokenVerdict.Failure.UNKNOWN_IDENTITY,
                "The request has no security_token and no claim on this connection covers Event Hub '" + settings.name() + "'.");
    }

    static Message reply(Message request, int status, String description, Map<String, Object> body) {
        Message reply = Proton.message();
        reply.setCorrelationId(request.getMessageId());
        if (request.getReplyTo() != null) {
            reply.setAddress(request.getReplyTo());
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(STATUS_CODE, Integer.valueOf(status));
        props.put(STATUS_DESCRIPTION, description);
        reply.setApplicationProperties(new ApplicationProperties(props));
        reply.setBody(new AmqpValue(body));
        return reply;
    }
}
