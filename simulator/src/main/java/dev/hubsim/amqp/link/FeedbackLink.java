package dev.hubsim.amqp.link;

import dev.hubsim.c2d.FeedbackQueue;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Sender;

import java.nio.charset.StandardCharsets;

/**
 * The service's {@code /messages/serviceBound/feedback} receiver. Accepted (and Rejected) take a feedback message off
 * the queue; Released and Modified put it back first in line, as the Java service SDK's abandon expects.
 */
final class FeedbackLink extends LeasingSenderLink<FeedbackQueue.Taken> {
    private final FeedbackQueue feedback;

    FeedbackLink(LinkHost connection, Sender sender, FeedbackQueue feedback) {
        super(connection, sender);
        this.feedback = feedback;
    }

    @Override
    protected FeedbackQueue.Taken take() {
        return feedback.take();
    }

    @Override
    protected byte[] encode(FeedbackQueue.Taken item) {
        return C2dDepartures.feedback(item.encoded(), connection.hub().deviations());
    }

    @Override
    protected byte[] deliveryTag(FeedbackQueue.Taken item) {
        return item.id().toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void settled(FeedbackQueue.Taken item, DeliveryState outcome) {
        if (outcome instanceof Released || outcome instanceof Modified) {
            feedback.abandon(item.id());
        } else {
            feedback.complete(item.id());
        }
    }

    @Override
    protected void giveBack(FeedbackQueue.Taken item) {
        feedback.abandon(item.id());
    }

    @Override
    protected void listen(Runnable wake) {
        feedback.addListener(wake);
    }

    @Override
    protected void unlisten(Runnable wake) {
        feedback.removeListener(wake);
    }
}
