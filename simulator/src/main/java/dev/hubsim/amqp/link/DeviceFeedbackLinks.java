package dev.hubsim.amqp.link;

import dev.hubsim.limits.LinkKind;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /messages/serviceBound/feedback} as a device's sender: the seed's table of device link paths lists it
 * ("Cloud-to-device message feedback sent to the service over this link by devices"), but no Azure SDK opens it and no
 * document says what a message on it holds: every SDK settles a cloud-to-device message with its disposition on
 * {@code /devices/{id}/messages/devicebound}, which is how the hub makes feedback. So the link attaches for a
 * connection with a device claim, as documented, and each message on it is Rejected {@code amqp:not-implemented} with a
 * description saying where the outcome goes; nothing is taken from it, and the link stays up.
 */
final class DeviceFeedbackLinks implements AttachHandler<HubPath.DeviceFeedback> {
    static final String DESCRIPTION = "hubsim takes a device's outcome for a cloud-to-device message from the disposition on "
            + "/devices/{deviceId}/messages/devicebound (Accepted completes, Released abandons, Rejected dead-letters), as the Azure "
            + "SDKs send it; a message on /messages/serviceBound/feedback is not read.";

    @Override
    public HubPath.DeviceFeedback match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.DeviceFeedback f ? f : null;
    }

    @Override
    public Access access(HubPath.DeviceFeedback path) {
        return new Access.AnyDevice();
    }

    @Override
    public void open(Attach attach, HubPath.DeviceFeedback path) {
        Receiver receiver = (Receiver) attach.link();
        Handler handler = new Handler(attach.host(), receiver);
        attach.adopt(handler);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setContext(handler);
        receiver.open();
        attach.host().links().credit(receiver, LinkKind.CLOUD_TO_DEVICE).start();
        attach.host().flush();
    }

    private static final class Handler extends RequestLinkHandler {
        private static final Logger LOG = LoggerFactory.getLogger(DeviceFeedbackLinks.class);
        private final LinkHost connection;
        private final Receiver receiver;

        Handler(LinkHost connection, Receiver receiver) {
            this.connection = connection;
            this.receiver = receiver;
        }

        @Override
        public void onMessage(Delivery delivery) {
            if (Deliveries.readComplete(receiver, delivery) == null) {
                return;
            }
            if (!delivery.isAborted()) {
                Rejected rejected = new Rejected();
                rejected.setError(new ErrorCondition(Symbol.valueOf("amqp:not-implemented"), DESCRIPTION));
                delivery.disposition(rejected);
                LOG.info("rejected a device's message on /messages/serviceBound/feedback from {}: not read (see README)",
                        connection.getRemoteAddress());
            }
            delivery.settle();
            connection.links().credit(receiver, LinkKind.CLOUD_TO_DEVICE).settled();
            connection.flush();
        }
    }
}
