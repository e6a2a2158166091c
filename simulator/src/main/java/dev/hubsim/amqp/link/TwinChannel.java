package dev.hubsim.amqp.link;

import dev.hubsim.twin.DesiredPatch;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.Twins;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * One twin channel of a connection: the pair of links with one {@code channel-correlation-id}, its reply route
 * (responses and pushes wait there until the client's receiver attaches and gives credit), and its desired-property
 * subscription, which ends when either link goes. Used on the connection's event loop; pushes arrive from any thread
 * and are handed over.
 */
final class TwinChannel {
    private final LinkHost host;
    private final TwinKey key;
    private final String tableKey;
    private final CbsReplies replies;
    private Twins.Subscription subscription;
    private boolean closed;

    TwinChannel(LinkHost host, TwinKey key, String tableKey) {
        this.host = host;
        this.key = key;
        this.tableKey = tableKey;
        this.replies = new CbsReplies(host);
    }

    TwinKey key() {
        return key;
    }

    void send(Message message) {
        if (!closed) {
            replies.send(message);
        }
    }

    boolean subscribed() {
        return subscription != null;
    }

    /** Subscribes the channel to desired changes (again: no-op). */
    void subscribe() {
        if (subscription == null && !closed) {
            subscription = host.hub().twins().subscribe(key, this::pushLater);
        }
    }

    void unsubscribe() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    private void pushLater(DesiredPatch patch) {
        Message push = TwinMessages.push(patch, host.hub().deviations());
        host.runLater(() -> send(push));
    }

    Replies attachReplies(Sender sender) {
        replies.attach(sender);
        return new Replies();
    }

    /** A link of the channel went: the channel goes with it (the SDKs open and close both together). */
    void linkClosed() {
        if (!closed) {
            closed = true;
            unsubscribe();
            host.links().forgetShared(tableKey);
        }
    }

    /** The hub end of the client's receiving link: the reply route, plus the channel's end when the link goes. */
    final class Replies implements ProtonDeliveryHandler {
        @Override
        public void onFlow(int currentCredits, boolean drain) {
            replies.onFlow(currentCredits, drain);
        }

        @Override
        public void onMessage(Delivery delivery) {
            replies.onMessage(delivery);
        }

        @Override
        public void close(boolean remoteLinkClose) {
            replies.close(remoteLinkClose);
            linkClosed();
        }

        @Override
        public void close(ErrorCondition condition) {
            replies.close(condition);
            linkClosed();
        }
    }
}
