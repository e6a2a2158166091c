package dev.hubsim.conformance.probe;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.util.LinkedHashMap;
import java.util.Map;

/** The client side of the $cbs node (reference/iothub-amqp.md §3): a sender and a receiver on one session. */
public final class CbsProbe {
    public static final String CBS = "$cbs";
    public static final String SERVICEBUS_SAS = "servicebus.windows.net:sastoken";

    /** What came back for one put-token: the request's outcome and the reply's fields, as their AMQP types. */
    public record Reply(DeliveryState requestOutcome, Object correlationId, Object statusCode, Object statusDescription) {
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
        var delivery = connection.send(sender, request);
        DeliveryState outcome = connection.awaitOutcome(delivery);
        ProbeConnection.Received reply = connection.awaitMessage(receiver);
        connection.settle(reply, org.apache.qpid.proton.amqp.messaging.Accepted.getInstance());
        connection.flow(receiver, 1);
        Map<String, Object> props = reply.message().getApplicationProperties() == null ? Map.of()
                : reply.message().getApplicationProperties().getValue();
        return new Reply(outcome, reply.message().getCorrelationId(), props.get("status-code"), props.get("status-description"));
    }
}
