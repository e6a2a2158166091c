package dev.hubsim.artemis;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Consumer;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonServerSenderContext;
import org.apache.activemq.artemis.protocol.amqp.proton.SenderController;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Sender;

/** Binds a device's {@code /devices/{id}/messages/devicebound} receiver to that device's queue. */
final class DeviceBoundController implements SenderController {
    private final AMQPSessionContext session;
    private final SimpleString queue;

    DeviceBoundController(AMQPSessionContext session, SimpleString queue) {
        this.session = session;
        this.queue = queue;
    }

    @Override
    public Consumer init(ProtonServerSenderContext senderContext) throws Exception {
        Sender sender = senderContext.getSender();
        sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        return session.getSessionSPI().createSender(senderContext, queue, null, false);
    }

    @Override
    public void close(boolean remoteClose) {
        // The device queue outlives the link: undelivered messages wait for the device's next receiver.
    }
}
