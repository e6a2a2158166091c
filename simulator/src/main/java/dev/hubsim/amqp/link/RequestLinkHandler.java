package dev.hubsim.amqp.link;

import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub handler for a link on which the client sends requests ($cbs, $management, cloud-to-device): only deliveries
 * matter; flow and close need no work of their own.
 */
abstract class RequestLinkHandler implements ProtonDeliveryHandler {
    /** The largest $cbs or $management request: a token, even a JWT, is a few kilobytes. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RequestLinkHandler.class);

    /**
     * The request in {@code bytes}, or null when it is not a decodable AMQP message: then the delivery is settled
     * Rejected with {@code amqp:invalid-field} naming the node, and one line is logged.
     */
    static Message decodeOrReject(byte[] bytes, Delivery delivery, String node, LinkHost connection) {
        Message request = Proton.message();
        try {
            request.decode(bytes, 0, bytes.length);
            return request;
        } catch (RuntimeException e) {
            Rejected rejected = new Rejected();
            rejected.setError(new ErrorCondition(AmqpErrors.INVALID_FIELD,
                    "The " + node + " request is not a decodable AMQP message: " + e.getMessage()));
            delivery.disposition(rejected);
            delivery.settle();
            LOG.info("rejected undecodable {} request from {}: {}", node, connection.getRemoteAddress(), e.getMessage());
            return null;
        }
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
