package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub's {@code $cbs} node: turns a put-token request into a verdict and the reply the client waits for
 * (reference/iothub-amqp.md §3.5, real-clients.md §5 items 1-4). The token goes to the validator of the endpoint its
 * audience names: the Event Hub-compatible endpoint's, else the hub's.
 */
final class CbsNode {
    public static final String ADDRESS = "$cbs";
    public static final String STATUS_CODE = "status-code";
    public static final String STATUS_DESCRIPTION = "status-description";
    /** Edge Hub's text for a request without a usable token (reference/iothub-amqp.md §3.5); the parser says why. */
    public static final String NO_VALID_TOKEN = "Cbs message does not contain a valid token";

    private final TokenValidator hub;
    private final TokenValidator eventHub;

    public CbsNode(TokenValidator hub, TokenValidator eventHub) {
        this.hub = hub;
        this.eventHub = eventHub;
    }

    /**
     * What one request produced: the reply to send, the verdict, and the request when it was a put-token.
     *
     * @param eventHub true when the claim is for the Event Hub-compatible endpoint (kept apart from hub claims, so a
     *                 namespace-wide Event Hub token never opens hub paths)
     */
    public record Outcome(Message reply, TokenVerdict verdict, PutTokenRequest request, boolean eventHub) {
        public Claim claim() {
            return verdict instanceof TokenVerdict.Granted g ? g.claim() : null;
        }

        /** The same request answered with another verdict (the connection's claim cap said no). */
        public Outcome withVerdict(TokenVerdict other) {
            return new Outcome(CbsNode.reply(reply.getCorrelationId(), reply.getAddress(), other), other, request, eventHub);
        }
    }

    public Outcome handle(Message request) {
        PutTokenRequest putToken;
        try {
            putToken = PutTokenRequest.from(request);
        } catch (PutTokenRequest.BadRequestException e) {
            TokenVerdict verdict = new TokenVerdict.Refused(TokenVerdict.Failure.MALFORMED, e.getMessage());
            return new Outcome(reply(request.getMessageId(), request.getReplyTo(), verdict), verdict, null, false);
        }
        boolean forEventHub = eventHub != null && eventHub.isAudience(putToken.audience());
        TokenVerdict verdict = (forEventHub ? eventHub : hub).validate(putToken.token(), putToken.audience(), Claim.Method.CBS);
        if (verdict instanceof TokenVerdict.Refused refused && refused.failure() == TokenVerdict.Failure.MALFORMED) {
            // The node answers an unparsable token in Edge Hub's words, with the parser's reason.
            verdict = new TokenVerdict.Refused(TokenVerdict.Failure.MALFORMED, NO_VALID_TOKEN + " (" + TokenValidator.malformedReason(refused) + ").");
        }
        return new Outcome(reply(putToken.messageId(), putToken.replyTo(), verdict), verdict, putToken, forEventHub);
    }

    /**
     * The reply: {@code correlation-id} is the request's {@code message-id} object itself, so it keeps its AMQP type
     * (uuid, string, ulong, binary); {@code status-code} is a Java Integer, which encodes as AMQP int.
     */
    public static Message reply(Object messageId, String replyTo, TokenVerdict verdict) {
        Message reply = Proton.message();
        reply.setCorrelationId(messageId);
        if (replyTo != null) {
            reply.setAddress(replyTo);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        if (verdict instanceof TokenVerdict.Refused refused) {
            props.put(STATUS_CODE, Integer.valueOf(refused.statusCode()));
            props.put(STATUS_DESCRIPTION, refused.description());
        } else {
            props.put(STATUS_CODE, Integer.valueOf(200));
            props.put(STATUS_DESCRIPTION, "OK");
        }
        reply.setApplicationProperties(new ApplicationProperties(props));
        reply.setBody(new AmqpValue(null));
        return reply;
    }
}
