package dev.hubsim.testing;

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

/** The client half of {@code $cbs}: a sender and a receiver link on one session, put-token requests and their replies. */
public final class CbsClient {
    public static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

    private final AmqpTestClient client;
    private final Sender sender;
    private final Receiver receiver;

    public CbsClient(AmqpTestClient client) {
        this.client = client;
        Session session = client.session();
        this.sender = client.sender(session, "cbs-sender", "$cbs");
        this.receiver = client.receiver(session, "cbs-receiver", "$cbs", 10);
    }

    /** The reply to a put-token, and the outcome the server gave the request itself. */
    public record Reply(Message message, DeliveryState requestOutcome) {
        public Object statusCode() {
            return message.getApplicationProperties().getValue().get("status-code");
        }

        public Object statusDescription() {
            return message.getApplicationProperties().getValue().get("status-description");
        }

        public Object correlationId() {
            return message.getCorrelationId();
        }
    }

    public Reply putToken(Object messageId, String audience, String token) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "put-token");
        props.put("type", SAS_TOKEN_TYPE);
        props.put("name", audience);
        return request(messageId, props, new AmqpValue(token));
    }

    /** Sends a request and waits only for its outcome, not for a reply. */
    public void sendOnly(Object messageId, Map<String, Object> applicationProperties, org.apache.qpid.proton.amqp.messaging.Section body) {
        client.send(sender, message(messageId, applicationProperties, body));
    }

    private static Message message(Object messageId, Map<String, Object> applicationProperties, org.apache.qpid.proton.amqp.messaging.Section body) {
        Message request = Proton.message();
        request.setMessageId(messageId);
        request.setAddress("$cbs");
        request.setReplyTo("cbs");
        request.setApplicationProperties(new ApplicationProperties(applicationProperties));
        request.setBody(body);
        return request;
    }

    /** Any request to $cbs, for malformed-request tests. */
    public Reply request(Object messageId, Map<String, Object> applicationProperties, org.apache.qpid.proton.amqp.messaging.Section body) {
        DeliveryState outcome = client.send(sender, message(messageId, applicationProperties, body));
        Message reply = client.receive(receiver);
        return new Reply(reply, outcome);
    }
}
