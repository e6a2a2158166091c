package dev.hubsim.cbs;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.SasToken;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.events.EventHubTokens;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub's {@code $cbs} node, free of any transport: turns a put-token request into a verdict and the reply the
 * client waits for (reference/iothub-amqp.md §3.5, real-clients.md §5 items 1-4).
 */
public final class CbsNode {
    public static final String ADDRESS = "$cbs";
    public static final String STATUS_CODE = "status-code";
    public static final String STATUS_DESCRIPTION = "status-description";

    private final TokenValidator validator;
    private final EventHubTokens eventHub;

    public CbsNode(TokenValidator validator) {
        this(validator, null);
    }

    /** With the Event Hub-compatible endpoint's rules for audiences on that endpoint; the hub's for all others. */
    public CbsNode(TokenValidator validator, EventHubTokens eventHub) {
        this.validator = validator;
        this.eventHub = eventHub;
    }

    /**
     * What one request produced: the reply to send, and the claim to record when the token was good.
     *
     * @param eventHub true when the claim is for the Event Hub-compatible endpoint (kept apart from hub claims, so a
     *                 namespace-wide Event Hub token never opens hub paths)
     */
    public record Outcome(Message reply, TokenVerdict verdict, PutTokenRequest request, boolean eventHub) {
        public Claim claim() {
            return verdict instanceof TokenVerdict.Granted g ? g.claim() : null;
        }
    }

    public Outcome handle(Message request) {
        PutTokenRequest putToken;
        try {
            putToken = PutTokenRequest.from(request);
        } catch (PutTokenRequest.BadRequestException e) {
            TokenVerdict verdict = new TokenVerdict.Refused(400, e.getMessage());
            return new Outcome(reply(request.getMessageId(), request.getReplyTo(), verdict), verdict, null, false);
        }
        if (eventHub != null && eventHub.isEventHubAudience(putToken.audience())) {
            TokenVerdict verdict = eventHub.validate(putToken.token(), putToken.audience());
            return new Outcome(reply(putToken.messageId(), putToken.replyTo(), verdict), verdict, putToken, true);
        }
        TokenVerdict verdict;
        try {
            verdict = validator.validate(SasToken.parse(putToken.token()), putToken.audience(), Claim.Method.CBS);
        } catch (SasToken.MalformedTokenException e) {
            verdict = new TokenVerdict.Refused(400, "Cbs message does not contain a valid token (" + e.getMessage() + ").");
        }
        return new Outcome(reply(putToken.messageId(), putToken.replyTo(), verdict), verdict, putToken, false);
    }

    /** The 403 for a put-token that would hold one claim too many on its connection (IoT Hub's IotHubMaxCbsTokenExceeded). */
    public static String tooManyClaims(long max) {
        return "IotHubMaxCbsTokenExceeded: this connection already holds claims for " + max
                + " audiences; renew one of them or open another connection.";
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
