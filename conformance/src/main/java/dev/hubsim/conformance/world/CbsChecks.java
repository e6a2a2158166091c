package dev.hubsim.conformance.world;

import dev.hubsim.probe.CbsProbe;
import dev.hubsim.probe.FrameLog;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.LinkOutcome;
import dev.hubsim.probe.SasTokens;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.message.Message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The $cbs node (reference/iothub-amqp.md §3): put-token requests, their replies, and the order they cross the wire in. */
public final class CbsChecks {
    private final HubWorld w;
    private Object requestMessageId;
    private CbsProbe.Reply reply;
    private List<String> claimAudiences = List.of();
    private List<CbsProbe.Reply> manyReplies = List.of();

    CbsChecks(HubWorld world) {
        this.w = world;
    }

    public void attached() {
        CbsProbe probe = new CbsProbe(w.connection(), w.session());
        LinkOutcome out = probe.awaitAttached();
        w.verdicts.expect(out.attached(), "$cbs links attach", "attached", out);
        w.keepCbs(probe);
    }

    private CbsProbe probe() {
        if (w.cbsProbe() == null) {
            attached();
        }
        return w.cbsProbe();
    }

    public void putToken(String who, String token) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience(who)), token);
    }

    public void putTokenWithIdType(String who, String token, String type) {
        Object id = switch (type) {
            case "uuid" -> UUID.randomUUID();
            case "string" -> UUID.randomUUID().toString();
            case "ulong" -> UnsignedLong.valueOf(System.nanoTime() & Long.MAX_VALUE);
            default -> throw new IllegalArgumentException("message-id type " + type);
        };
        putTokenWithId(id, CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience(who)), token);
    }

    public void putTokenOfType(String who, String token, String type) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(type, w.audience(who)), token);
    }

    public void putTokenNamed(String name, String token) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.expand(name)), token);
    }

    public void putTokenWithout(String who, String property) {
        Map<String, Object> props = CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience(who));
        props.remove(property);
        putTokenWithId(UUID.randomUUID(), props, w.token("a valid " + who + " token"));
    }

    public void putTokenWithNonStringBody(String who) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience(who)), 42);
    }

    /** A put-token whose token is written in the given form: {sr}, {sig}, {se} and {skn} stand for the fields' values. */
    public void putTokenWrittenAs(String audienceOf, String who, String form) {
        Map<String, String> fields = SasTokens.fields(w.identity(who), w.now().plus(HubWorld.TOKEN_LIFETIME));
        String token = form;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            token = token.replace("{" + f.getKey() + "}", f.getValue());
        }
        putToken(audienceOf, token);
    }

    /** A put-token carrying the optional {@code expiration} application property (AMQP timestamp) = the token's expiry. */
    public void putTokenWithExpiration(String who) {
        Instant expiry = w.now().plus(HubWorld.TOKEN_LIFETIME);
        Map<String, Object> props = CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience(who));
        props.put("expiration", new Date(expiry.toEpochMilli()));
        putTokenWithId(UUID.randomUUID(), props, w.tokenFor(who, expiry));
    }

    private void putTokenWithId(Object id, Map<String, Object> props, Object body) {
        requestMessageId = id;
        reply = probe().request(CbsProbe.putTokenRequest(id, props, body));
    }

    public void expectRequestOutcome(String outcome) {
        w.verdicts.expectEqual("outcome of the put-token request", outcome, HubWorld.outcomeName(reply.requestOutcome()));
    }

    /**
     * The reply was sent after the request was settled: among the frames from the request's transfer on, the hub's
     * settled disposition of that delivery comes before the reply's transfer (reference/iothub-amqp.md §3.5).
     */
    public void expectSettledBeforeReply() {
        List<FrameLog.Frame> frames = reply.frames();
        UnsignedInteger requestId = null;
        int disposition = -1;
        int replyTransfer = -1;
        for (int i = 0; i < frames.size(); i++) {
            FrameLog.Frame f = frames.get(i);
            if (!f.received() && f.body() instanceof Transfer t && requestId == null) {
                requestId = t.getDeliveryId();
            } else if (f.received() && f.body() instanceof Disposition d && disposition < 0 && requestId != null
                    && d.getRole() == Role.RECEIVER && d.getSettled() && d.getState() instanceof Accepted && covers(d, requestId)) {
                disposition = i;
            } else if (f.received() && f.body() instanceof Transfer && replyTransfer < 0) {
                replyTransfer = i;
            }
        }
        List<String> order = new ArrayList<>();
        frames.forEach(f -> order.add((f.received() ? "<- " : "-> ") + f.body().getClass().getSimpleName()));
        w.verdicts.expect(disposition >= 0 && replyTransfer >= 0 && disposition < replyTransfer,
                "order of the request's disposition and the reply's transfer",
                "the request's Disposition (settled, Accepted) before the reply's Transfer",
                "disposition at frame " + disposition + ", reply at frame " + replyTransfer + ": " + order);
    }

    private static boolean covers(Disposition d, UnsignedInteger id) {
        long first = d.getFirst().longValue();
        long last = d.getLast() == null ? first : d.getLast().longValue();
        return id.longValue() >= first && id.longValue() <= last;
    }

    /** The status-code's value; its AMQP type too when {@code type} is given (null: any integer type). */
    public void expectStatus(int status, String type) {
        if (reply.requestOutcome() == null && reply.statusCode() == null) {
            w.verdicts.expect(false, "reply status-code", status, "no reply: the request's link ended first ("
                    + w.connection().awaitDetached(probe().sender()) + ")");
        }
        Object observed = reply.statusCode();
        boolean integral = observed instanceof Number && !(observed instanceof Float || observed instanceof Double);
        boolean valueOk = integral && ((Number) observed).longValue() == status;
        boolean typeOk = type == null ? integral : Verdicts.amqpType(observed).equals(type);
        w.verdicts.expect(valueOk && typeOk, "reply status-code", status + (type == null ? "" : " (" + type + ")"),
                Verdicts.typed(observed) + ", status-description " + reply.statusDescription());
    }

    public void expectReplyProperty(String name, String value) {
        Object observed = name.equals("status-description") ? reply.statusDescription() : null;
        w.verdicts.expectEqual("reply " + name, value, observed);
    }

    public void expectCorrelationEchoes(String type) {
        w.verdicts.expect(requestMessageId.equals(reply.correlationId()) && Verdicts.amqpType(reply.correlationId()).equals(type),
                "reply correlation-id", Verdicts.typed(requestMessageId), Verdicts.typed(reply.correlationId()));
    }

    /** The request was read and answered: a reply correlated with it arrived (its type is HUB-CBS-005's concern). */
    public void expectAnswered() {
        Object correlation = reply == null ? null : reply.correlationId();
        w.verdicts.expect(correlation != null && String.valueOf(correlation).equals(String.valueOf(requestMessageId)),
                "reply to the request", "one correlated with " + requestMessageId, String.valueOf(correlation));
    }

    // --- many claims on one connection --------------------------------------------------------------------------

    /** Puts a service token for as many distinct audiences under the hub's host as the target admits, all at once. */
    public void putManyAudiences() {
        int count = w.control().claimsPerConnection();
        List<String> audiences = new ArrayList<>();
        List<Message> requests = new ArrayList<>();
        String token = w.token("a valid service token");
        for (int i = 0; i < count; i++) {
            String audience = w.target().service().hostName() + "/hubsim-specs/claim-" + i;
            audiences.add(audience);
            requests.add(CbsProbe.putTokenRequest(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience), token));
        }
        claimAudiences = audiences;
        manyReplies = probe().requestAll(requests);
    }

    public void expectEveryReply(int status) {
        for (int i = 0; i < manyReplies.size(); i++) {
            CbsProbe.Reply r = manyReplies.get(i);
            Object code = r == null ? null : r.statusCode();
            if (!(code instanceof Number n) || n.intValue() != status) {
                w.verdicts.expect(false, "reply to put-token " + (i + 1) + " of " + manyReplies.size() + " (audience " + claimAudiences.get(i) + ")",
                        status, r == null ? "no reply" : Verdicts.typed(code) + " " + r.statusDescription());
            }
        }
    }

    public void putOneAudienceMore() {
        putTokenNamed(w.target().service().hostName() + "/hubsim-specs/claim-" + claimAudiences.size(), w.token("a valid service token"));
    }

    public void renewFirstAudience() {
        putTokenNamed(claimAudiences.get(0), w.token("a valid service token"));
    }

    // --- the $cbs request size bound ----------------------------------------------------------------------------

    public void expectHubMaxMessageSize(long size) {
        Object advertised = probe().hubMaxMessageSize();
        w.verdicts.expect(advertised != null && Long.parseLong(advertised.toString()) == size, "max-message-size of the hub's $cbs receiver",
                size, advertised);
    }

    /** A put-token request padded (with a long token) until its encoding is exactly {@code bytes} long. */
    public void sendRequestOfSize(int bytes) {
        Message request = CbsProbe.putTokenRequest(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, w.audience("device1")), "");
        byte[] encoded = MessageSizes.encodedTo(request, bytes, padding -> request.setBody(new org.apache.qpid.proton.amqp.messaging.AmqpValue(padding)));
        requestMessageId = request.getMessageId();
        reply = probe().request(encoded);
    }

    public void expectCbsSenderDetached(String condition) {
        ProbeConnection c = w.connection();
        ErrorCondition error = c.awaitDetached(probe().sender());
        w.verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())), "detach of the $cbs sender",
                condition, error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'");
    }
}
