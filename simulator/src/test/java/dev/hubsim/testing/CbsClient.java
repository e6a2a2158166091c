package dev.hubsim.testing;

import dev.hubsim.probe.CbsProbe;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;

import java.util.Map;

/**
 * The client half of {@code $cbs} for the simulator's tests: the kit's {@link CbsProbe} on a test client's probe
 * connection, with its links attached before the first request.
 */
public final class CbsClient {
    public static final String SAS_TOKEN_TYPE = CbsProbe.SERVICEBUS_SAS;

    private final AmqpTestClient client;
    private final CbsProbe cbs;

    public CbsClient(AmqpTestClient client) {
        this.client = client;
        this.cbs = new CbsProbe(client.probe(), client.session());
        cbs.awaitAttached();
    }

    /** The reply to a request, and the outcome the server gave the request itself. */
    public record Reply(DeliveryState requestOutcome, Object correlationId, Object statusCode, Object statusDescription) {
        static Reply of(CbsProbe.Reply reply) {
            return new Reply(reply.requestOutcome(), reply.correlationId(), reply.statusCode(), reply.statusDescription());
        }
    }

    public Reply putToken(Object messageId, String audience, String token) {
        return Reply.of(cbs.putToken(messageId, audience, token));
    }

    /** Sends a request and waits only for its outcome, not for a reply. */
    public void sendOnly(Object messageId, Map<String, Object> applicationProperties, Section body) {
        client.send(cbs.sender(), message(messageId, applicationProperties, body));
    }

    /** Any request to $cbs, for malformed-request tests. */
    public Reply request(Object messageId, Map<String, Object> applicationProperties, Section body) {
        return Reply.of(cbs.request(message(messageId, applicationProperties, body)));
    }

    private static Message message(Object messageId, Map<String, Object> applicationProperties, Section body) {
        Message request = CbsProbe.putTokenRequest(messageId, Map.of(), null);
        request.setApplicationProperties(new ApplicationProperties(applicationProperties));
        request.setBody(body);
        return request;
    }
}
