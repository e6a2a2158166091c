package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker end of the client's {@code $management} sender on the Event Hub-compatible endpoint: each request is
 * settled Accepted, answered by the transport-free management node, and the reply goes to the connection's
 * {@code $management} receiver (whatever {@code reply-to} says, as for {@code $cbs}).
 */
final class ManagementRequestHandler extends RequestLinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementRequestHandler.class);
    static final int CREDIT = 100;

    private final LinkHost connection;
    private final Receiver receiver;
    private final CbsReplies replies;

    ManagementRequestHandler(LinkHost connection, Receiver receiver, CbsReplies replies) {
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
        receiver.flow(1);
        Message request = decodeOrReject(bytes, delivery, ManagementNode.ADDRESS, connection);
        if (request == null) {
            connection.flush();
            return;
        }
        Message reply = connection.hub().management().handle(request, connection.claims());
        Object status = reply.getApplicationProperties().getValue().get(ManagementNode.STATUS_CODE);
        if (!Integer.valueOf(200).equals(status)) {
            LOG.info("$management request from {} answered {}: {}", connection.getRemoteAddress(), status,
                    reply.getApplicationProperties().getValue().get(ManagementNode.STATUS_DESCRIPTION));
        }
        delivery.disposition(Accepted.getInstance());
        delivery.settle();
        replies.send(reply);
    }
}
