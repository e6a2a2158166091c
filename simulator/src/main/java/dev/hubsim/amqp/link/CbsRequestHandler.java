package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The broker end of the client's {@code $cbs} sender: each put-token is settled Accepted first, then answered on the
 * reply route (Edge Hub's order, reference/iothub-amqp.md §3.5); a granted token becomes a claim on the connection.
 */
final class CbsRequestHandler extends RequestLinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CbsRequestHandler.class);

    private final LinkHost connection;
    private final Receiver receiver;
    private final CbsReplies replies;

    CbsRequestHandler(LinkHost connection, Receiver receiver, CbsReplies replies) {
        this.connection = connection;
        this.receiver = receiver;
        this.replies = replies;
    }

    @Override
    public void onMessage(Delivery delivery) {
        byte[] bytes = Deliveries.readComplete(receiver, delivery);
        if (bytes == null) {
            return;
        }

        Message request = decodeOrReject(bytes, delivery, CbsNode.ADDRESS, connection);
        if (request == null) {
            connection.links().credit(receiver, LinkKind.CBS).settled();
            connection.flush();
            return;
        }
        CbsNode.Outcome outcome = CbsDepartures.apply(connection.hub().deviations(), request, connection.hub().cbs().handle(request),
                connection.hub().clock().instant());
        long connectWait = 0;
        if (outcome.claim() != null && !outcome.eventHub() && outcome.claim().kind() == Claim.Kind.DEVICE_KEY) {
            // A device's token is its connection to the hub: throttled as new device connections (renewals too).
            connectWait = connection.hub().throttling().admit(Operation.CONNECT, outcome.claim().identity(), 1, 0);
            if (connectWait < 0) {
                Refusal refusal = Throttling.refusal(connectWait);
                connection.recordFault(CbsNode.ADDRESS, Map.of("throttled", refusal.errorName()));
                outcome = outcome.withVerdict(new TokenVerdict.Refused(TokenVerdict.Failure.THROTTLED, refusal.describe(Operation.CONNECT)));
                connectWait = 0;
            }
        }
        Claim granted = outcome.claim();
        boolean renewalIgnored = granted != null && connection.hub().deviations().contains(Deviation.TOKEN_RENEWAL_IGNORED)
                && connection.claims().held(ConnectionClaims.Endpoint.HUB).stream().anyMatch(c -> c.audience().equals(granted.audience()));
        if (outcome.claim() != null && !renewalIgnored) {
            // The connection's claims take it, or refuse it once (too many claims).
            TokenVerdict held = connection.claims().put(outcome.eventHub() ? ConnectionClaims.Endpoint.EVENT_HUB : ConnectionClaims.Endpoint.HUB,
                    outcome.claim());
            if (held instanceof TokenVerdict.Refused) {
                outcome = outcome.withVerdict(held);
            }
        }
        traceRequest(request, outcome);
        if (outcome.claim() != null) {
            LOG.debug("put-token accepted for {}audience '{}' from {}", outcome.eventHub() ? "Event Hub " : "",
                    outcome.request().audience(), connection.getRemoteAddress());
        } else {
            TokenVerdict.Refused refused = (TokenVerdict.Refused) outcome.verdict();
            LOG.info("put-token refused ({}) from {} for audience '{}': {}", refused.statusCode(), connection.getRemoteAddress(),
                    outcome.request() == null ? "?" : outcome.request().audience(), refused.description());
        }
        if (connection.hub().deviations().contains(Deviation.CBS_REPLY_BEFORE_SETTLING)) {
            reply(outcome.reply(), connectWait);
            connection.flush();
        }
        delivery.disposition(Accepted.getInstance());
        delivery.settle();
        connection.links().credit(receiver, LinkKind.CBS).settled();
        if (!connection.hub().deviations().contains(Deviation.CBS_REPLY_BEFORE_SETTLING)) {
            reply(outcome.reply(), connectWait);
        } else {
            connection.flush();
        }
    }

    /** Sends the reply, after the connection throttle's wait (nanoseconds) or the delayed-replies fault, whichever is longer. */
    private void reply(Message reply, long waitNanos) {
        FaultPlan faults = connection.hub().faults();
        if (faults.takeCbsReplyDrop(connection.id(), connection.trace().identities())) {
            connection.recordFault(CbsNode.ADDRESS, Map.of("fault", "cbs reply dropped", "correlation-id", String.valueOf(reply.getCorrelationId())));
            return;
        }
        Duration delay = faults.cbsReplyDelay(connection.id(), connection.trace().identities());
        if (!delay.isZero()) {
            connection.recordFault(CbsNode.ADDRESS, Map.of("fault", "cbs reply delayed", "delay-ms", delay.toMillis()));
        }
        delay = delay.compareTo(Duration.ofNanos(waitNanos)) >= 0 ? delay : Duration.ofNanos(waitNanos);
        if (delay.isZero()) {
            send(reply);
        } else {
            connection.hub().scheduler().schedule(() -> connection.runLater(() -> send(reply)), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void send(Message reply) {
        Map<String, Object> props = reply.getApplicationProperties().getValue();
        deviate(reply, props);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("correlation-id", String.valueOf(reply.getCorrelationId()));
        fields.put("status-code", props.get(CbsNode.STATUS_CODE));
        fields.put("status-description", props.get(CbsNode.STATUS_DESCRIPTION));
        connection.trace().record(TraceRecord.Direction.OUT, TraceRecord.FrameType.CBS_REPLY, -1, CbsNode.ADDRESS, fields);
        replies.send(reply);
    }

    private void deviate(Message reply, Map<String, Object> props) {
        Set<Deviation> deviations = connection.hub().deviations();
        if (deviations.contains(Deviation.CBS_STATUS_CODE_AS_LONG)) {
            props.put(CbsNode.STATUS_CODE, ((Number) props.get(CbsNode.STATUS_CODE)).longValue());
        }
        if (deviations.contains(Deviation.CBS_DESCRIPTION_NOT_OK) && "OK".equals(props.get(CbsNode.STATUS_DESCRIPTION))) {
            props.put(CbsNode.STATUS_DESCRIPTION, "Ok");
        }
        if (deviations.contains(Deviation.CBS_CORRELATION_ID_AS_STRING) && reply.getCorrelationId() != null) {
            reply.setCorrelationId(reply.getCorrelationId().toString());
        }
    }

    private void traceRequest(Message request, CbsNode.Outcome outcome) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("message-id", String.valueOf(request.getMessageId()));
        Map<String, Object> props = request.getApplicationProperties() == null ? Map.of() : request.getApplicationProperties().getValue();
        for (String name : new String[]{"operation", "type", "name"}) {
            if (props.get(name) != null) {
                fields.put(name, String.valueOf(props.get(name)));
            }
        }
        fields.put("verdict", outcome.claim() != null ? "granted" : "refused");
        connection.trace().record(TraceRecord.Direction.IN, TraceRecord.FrameType.CBS_REQUEST, -1, CbsNode.ADDRESS, fields);
    }
}
