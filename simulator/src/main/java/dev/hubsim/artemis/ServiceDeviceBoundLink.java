package dev.hubsim.artemis;

import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.c2d.CloudToDeviceErrors;
import dev.hubsim.c2d.EnqueueResult;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.links.HubErrors;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
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

    private final HubConnectionContext connection;
    private final Receiver receiver;
    private final CloudToDevice c2d;

    ServiceDeviceBoundLink(HubConnectionContext connection, Receiver receiver, CloudToDevice c2d) {
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
        connection.credit(receiver, LinkKind.CLOUD_TO_DEVICE).start();
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
            connection.credit(receiver, LinkKind.CLOUD_TO_DEVICE).settled();
            return;
        }
        String address = HubConnectionContext.targetAddress(receiver);
        FaultPlan.TransferFault fault = connection.hub().faults().takeTransfer(connection.id(), connection.trace().identities(), address).orElse(null);
        EnqueueResult result;
        if (fault != null) {
            connection.recordFault(address, Map.of("fault", "transfer rejected", "condition", fault.condition().toString()));
            result = new EnqueueResult.Refused(fault.condition(), fault.description());
        } else {
            try {
                Message message = Proton.message();
                message.decode(bytes, 0, bytes.length);
                result = c2d.enqueue(message, bytes);
            } catch (RuntimeException e) {
                result = new EnqueueResult.Refused(HubErrors.DECODE_ERROR, CloudToDeviceErrors.undecodable(String.valueOf(e.getMessage())));
            }
        }
        Duration delay = connection.hub().faults().dispositionDelay(connection.id(), connection.trace().identities(), address);
        if (delay.isZero()) {
            answer(delivery, result);
        } else {
            EnqueueResult later = result;
            connection.recordFault(address, Map.of("fault", "disposition delayed", "delay-ms", delay.toMillis()));
            connection.hub().scheduler().schedule(() -> connection.runLater(() -> answer(delivery, later)), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void answer(Delivery delivery, EnqueueResult result) {
        if (result instanceof EnqueueResult.Refused refused) {
            LOG.info("rejected cloud-to-device message from {}: {} {}", connection.getRemoteAddress(), refused.condition(), refused.description());
            Rejected rejected = new Rejected();
            rejected.setError(new ErrorCondition(refused.condition(), refused.description()));
            delivery.disposition(rejected);
        } else {
            delivery.disposition(Accepted.getInstance());
        }
        delivery.settle();
        connection.credit(receiver, LinkKind.CLOUD_TO_DEVICE).settled();
        connection.flush();
    }
}
