package dev.hubsim.artemis;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.cbs.CbsNode;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker end of the client's {@code $cbs} sender: each put-token is settled Accepted first, then answered on the
 * reply route (Edge Hub's order, reference/iothub-amqp.md §3.5); a granted token becomes a claim on the connection.
 */
final class CbsRequestHandler implements ProtonDeliveryHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CbsRequestHandler.class);
    /** Credit kept open for put-token requests; renewed one for one as requests arrive. */
    static final int CREDIT = 100;

    private final HubConnectionContext connection;
    private final Receiver receiver;
    private final CbsReplies replies;

    CbsRequestHandler(HubConnectionContext connection, Receiver receiver, CbsReplies replies) {
        this.connection = connection;
        this.receiver = receiver;
        this.replies = replies;
    }

    @Override
    public void onMessage(Delivery delivery) {
        if (delivery.isPartial()) {
            return;
        }
        byte[] bytes = new byte[delivery.available()];
        receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        receiver.flow(1);

        Message request = Proton.message();
        try {
            request.decode(bytes, 0, bytes.length);
        } catch (RuntimeException e) {
            Rejected rejected = new Rejected();
            rejected.setError(new ErrorCondition(dev.hubsim.links.HubErrors.INVALID_FIELD, "The $cbs request is not a decodable AMQP message: " + e.getMessage()));
            delivery.disposition(rejected);
            delivery.settle();
            LOG.info("rejected undecodable $cbs request from {}: {}", connection.getRemoteAddress(), e.getMessage());
            connection.flush();
            return;
        }
        CbsNode.Outcome outcome = connection.hub().cbs().handle(request);
        Claim claim = outcome.claim();
        if (claim != null) {
            (outcome.eventHub() ? connection.eventHubClaims() : connection.claims()).put(claim);
            LOG.debug("put-token accepted for {}audience '{}' from {}", outcome.eventHub() ? "Event Hub " : "",
                    outcome.request().audience(), connection.getRemoteAddress());
        } else {
            TokenVerdict.Refused refused = (TokenVerdict.Refused) outcome.verdict();
            LOG.info("put-token refused ({}) from {} for audience '{}': {}", refused.statusCode(), connection.getRemoteAddress(),
                    outcome.request() == null ? "?" : outcome.request().audience(), refused.description());
        }
        delivery.disposition(Accepted.getInstance());
        delivery.settle();
        replies.send(outcome.reply());
    }

    @Override
    public void onFlow(int currentCredits, boolean drain) {
    }

    @Override
    public void close(boolean remoteLinkClose) {
    }

    @Override
    public void close(ErrorCondition condition) {
    }
}
