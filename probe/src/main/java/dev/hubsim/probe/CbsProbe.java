package dev.hubsim.probe;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The client side of the $cbs node (reference/iothub-amqp.md §3): a sender and a receiver on one session. */
public final class CbsProbe {
    public static final String CBS = "$cbs";
    public static final String SERVICEBUS_SAS = "servicebus.windows.net:sastoken";

    /**
     * What came back for one put-token: the request's outcome and the reply's fields, as their AMQP types, and the
     * frames that crossed the wire from the request's transfer to the reply's.
     */
    public record Reply(DeliveryState requestOutcome, Object correlationId, Object statusCode, Object statusDescription,
                        List<FrameLog.Frame> frames) {
    }

    private final ProbeConnection connection;
    private final Sender sender;
    private final Receiver receiver;

    public CbsProbe(ProbeConnection connection, Session session) {
        this.connection = connection;
        this.sender = connection.sender(session, "cbs-sender", CBS);
        this.receiver = connection.receiver(session, "cbs-receiver", CBS, 10);
    }

    public ProbeConnection.LinkOutcome awaitAttached() {
        ProbeConnection.LinkOutcome out = connection.awaitAttach(sender);
        return out.attached() ? connection.awaitAttach(receiver) : out;
    }

    /** A put-token request as the Java SDKs send it, with any message-id and application properties. */
    public static Message putTokenRequest(Object messageId, Map<String, Object> applicationProperties, Object body) {
        Message request = Proton.message();
        request.setMessageId(messageId);
        request.setAddress(CBS);
        request.setReplyTo("cbs");
        request.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(applicationProperties)));
        request.setBody(new AmqpValue(body));
        return request;
    }

    public static Map<String, Object> putTokenProperties(String type, String audience) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "put-token");
        props.put("type", type);
        props.put("name", audience);
        return props;
    }

    public Reply putToken(Object messageId, String audience, String token) {
        return request(putTokenRequest(messageId, putTokenProperties(SERVICEBUS_SAS, audience), token));
    }

    /** Sends a request and waits for its outcome, then for the reply on the $cbs receiver. */
    public Reply request(Message request) {
        return request(ProbeConnection.encode(request));
    }

    /** The same with the request already encoded (a request of an exact size). */
    public Reply request(byte[] encoded) {
        int mark = connection.frames().frameCount();
        var delivery = connection.send(sender, encoded, 0);
        DeliveryState outcome = connection.awaitOutcome(delivery);
        if (outcome == null) {
            return new Reply(null, null, null, null, connection.frames().framesSince(mark));
        }
        ProbeConnection.Received reply = connection.awaitMessage(receiver);
        connection.settle(reply, Accepted.getInstance());
        connection.flow(receiver, 1);
        return reply(outcome, reply, connection.frames().framesSince(mark));
    }

    /**
     * Sends every request at once, then collects every reply (matched by correlation-id): a connection's many claims
     * without a round trip each.
     */
    public List<Reply> requestAll(List<Message> requests) {
        connection.flow(receiver, requests.size());
        List<Delivery> deliveries = new ArrayList<>();
        for (Message request : requests) {
            deliveries.add(connection.send(sender, request));
        }
        Map<Object, Reply> byId = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ProbeConnection.Received reply = connection.awaitMessage(receiver);
            connection.settle(reply, Accepted.getInstance());
            // Matched by the id's text: whether the hub keeps the id's AMQP type is HUB-CBS-005's concern, not this one's.
            byId.put(String.valueOf(reply.message().getCorrelationId()), reply(null, reply, List.of()));
        }
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Reply r = byId.get(String.valueOf(requests.get(i).getMessageId()));
            replies.add(r == null ? null : new Reply(connection.awaitOutcome(deliveries.get(i)), r.correlationId(), r.statusCode(),
                    r.statusDescription(), List.of()));
        }
        return replies;
    }

    private static Reply reply(DeliveryState outcome, ProbeConnection.Received reply, List<FrameLog.Frame> frames) {
        Map<String, Object> props = reply.message().getApplicationProperties() == null ? Map.of()
                : reply.message().getApplicationProperties().getValue();
        return new Reply(outcome, reply.message().getCorrelationId(), props.get("status-code"), props.get("status-description"), frames);
    }

    /** The sender of requests, to see whether the hub detached it. */
    public Sender sender() {
        return sender;
    }

    /** The max-message-size the hub's $cbs receiver advertised in its attach (null: none). */
    public Object hubMaxMessageSize() {
        return connection.remoteMaxMessageSize(sender);
    }

}
