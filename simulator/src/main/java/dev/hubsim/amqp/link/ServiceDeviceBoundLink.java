package dev.hubsim.amqp.link;

import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.c2d.C2dMessage;
import dev.hubsim.c2d.CloudToDeviceErrors;
import dev.hubsim.c2d.EnqueueResult;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.codec.C2dMessages;
import dev.hubsim.errors.Condition;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service's {@code /messages/devicebound} sender: each transfer is settled Accepted once its message is in the
 * device's queue, or Rejected with the reason (seed iothub-amqp-support.md, "Invoke cloud-to-device messages").
 */
final class ServiceDeviceBoundLink extends RequestLinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDeviceBoundLink.class);

    private final LinkHost connection;
    private final Receiver receiver;
    private final CloudToDevice c2d;
    /** Messages waiting out the throttle; later ones queue behind them, so they are queued for devices in order. */
    private int throttled;

    ServiceDeviceBoundLink(LinkHost connection, Receiver receiver, CloudToDevice c2d) {
        this.connection = connection;
        this.receiver = receiver;
        this.c2d = c2d;
    }

    void open() {
        receiver.setSource(receiver.getRemoteSource());
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setContext(this);
        receiver.open();
        connection.links().credit(receiver, LinkKind.CLOUD_TO_DEVICE).start();
        connection.flush();
    }

    @Override
    public void onMessage(Delivery delivery) {
        byte[] bytes = Deliveries.readComplete(receiver, delivery);
        if (bytes == null) {
            return;
        }
        if (delivery.isAborted()) {
            delivery.settle();
            connection.links().credit(receiver, LinkKind.CLOUD_TO_DEVICE).settled();
            return;
        }
        String address = LinkTable.targetAddress(receiver);
        FaultPlan.TransferFault fault = connection.hub().faults().takeTransfer(connection.id(), connection.trace().identities(), address).orElse(null);
        if (fault != null) {
            connection.recordFault(address, Map.of("fault", "transfer rejected", "condition", fault.condition()));
            answerLater(delivery, address, new Answer(Symbol.valueOf(fault.condition()), fault.description()));
            return;
        }
        C2dMessage message;
        try {
            message = C2dMessages.decode(bytes);
        } catch (RuntimeException e) {
            answerLater(delivery, address, new Answer(AmqpErrors.symbol(Condition.DECODE_ERROR), CloudToDeviceErrors.undecodable(String.valueOf(e.getMessage()))));
            return;
        }
        long wait = connection.hub().throttling().admit(Operation.C2D_SEND, message.deviceId(), 1, bytes.length);
        if (wait < 0) {
            Refusal refusal = Throttling.refusal(wait);
            connection.recordFault(address, Map.of("throttled", refusal.errorName()));
            answerLater(delivery, address, new Answer(AmqpErrors.symbol(refusal.condition()), refusal.describe(Operation.C2D_SEND)));
        } else if (wait > 0 || throttled > 0) {
            // Traffic shaping: queued at the tier's rate, settled once queued for the device.
            throttled++;
            connection.hub().scheduler().schedule(() -> connection.runLater(() -> {
                throttled--;
                answerLater(delivery, address, enqueue(message));
            }), wait, TimeUnit.NANOSECONDS);
        } else {
            answerLater(delivery, address, enqueue(message));
        }
    }

    private Answer enqueue(C2dMessage sent) {
        C2dMessage message = connection.hub().deviations().contains(dev.hubsim.faults.Deviation.SIZE_COUNTED_ENCODED)
                ? new C2dMessage(sent.to(), sent.messageId(), sent.absoluteExpiryTime(), sent.ack(), sent.encoded(), sent.encoded().length) : sent;
        EnqueueResult result = c2d.enqueue(message);
        if (!(result instanceof EnqueueResult.Refused refused)) {
            return Answer.ACCEPTED;
        }
        Condition condition = refused.condition() == Condition.RESOURCE_LIMIT_EXCEEDED
                && connection.hub().deviations().contains(dev.hubsim.faults.Deviation.C2D_QUEUE_FULL_OTHER_CONDITION)
                ? Condition.QUOTA_EXCEEDED : refused.condition();
        return new Answer(AmqpErrors.symbol(condition), refused.description());
    }

    /** The answer, at once or after the delayed-dispositions fault's delay. */
    private void answerLater(Delivery delivery, String address, Answer answer) {
        Duration delay = connection.hub().faults().dispositionDelay(connection.id(), connection.trace().identities(), address);
        if (delay.isZero()) {
            answer(delivery, answer);
        } else {
            connection.recordFault(address, Map.of("fault", "disposition delayed", "delay-ms", delay.toMillis()));
            connection.hub().scheduler().schedule(() -> connection.runLater(() -> answer(delivery, answer)), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Accepted (a null condition), or Rejected with this condition. */
    private record Answer(Symbol condition, String description) {
        static final Answer ACCEPTED = new Answer(null, null);
    }

    private void answer(Delivery delivery, Answer answer) {
        if (answer.condition() != null) {
            LOG.info("rejected cloud-to-device message from {}: {} {}", connection.getRemoteAddress(), answer.condition(), answer.description());
            Rejected rejected = new Rejected();
            rejected.setError(new ErrorCondition(answer.condition(), answer.description()));
            delivery.disposition(rejected);
        } else {
            delivery.disposition(Accepted.getInstance());
        }
        delivery.settle();
        connection.links().credit(receiver, LinkKind.CLOUD_TO_DEVICE).settled();
        connection.flush();
    }
}
