package dev.hubsim.artemis;

import dev.hubsim.c2d.DeviceBoundAddress;
import dev.hubsim.links.HubErrors;
import dev.hubsim.registry.Device;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonServerReceiverContext;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The service's {@code /messages/devicebound} sender: each message goes to the queue of the device its {@code to}
 * names, or is Rejected with a condition saying why (seed iothub-amqp-support.md, "Invoke cloud-to-device messages").
 */
final class CloudToDeviceReceiver extends ProtonServerReceiverContext {
    private static final Logger LOG = LoggerFactory.getLogger(CloudToDeviceReceiver.class);

    private final HubConnectionContext hubConnection;

    CloudToDeviceReceiver(AMQPSessionCallback sessionSPI, HubConnectionContext connection, AMQPSessionContext session, Receiver receiver) {
        super(sessionSPI, connection, session, receiver);
        this.hubConnection = connection;
    }

    @Override
    public void initialize() throws Exception {
        initialized = true;
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        address = BrokerAddresses.C2D_ROUTER;
        explicitRoutingType = RoutingType.ANYCAST;
        implicitRoutingType = RoutingType.ANYCAST;
        topUpCreditIfNeeded();
    }

    @Override
    protected int getConfiguredMinLargeMessageSize(AMQPConnectionContext connection) {
        return -1;
    }

    @Override
    protected void actualDelivery(Message message, Delivery delivery, DeliveryAnnotations deliveryAnnotations,
                                  Receiver receiver, Transaction tx) {
        String to = message.getAddress();
        DeviceBoundAddress target = DeviceBoundAddress.parse(to);
        if (to == null) {
            reject(delivery, HubErrors.INVALID_FIELD, HubErrors.missingTo());
            return;
        }
        if (target == null) {
            reject(delivery, HubErrors.INVALID_FIELD, HubErrors.malformedTo(to));
            return;
        }
        Optional<Device> device = hubConnection.hub().hub().registry().device(target.deviceId());
        if (device.isEmpty()) {
            reject(delivery, HubErrors.NOT_FOUND, HubErrors.unknownDevice(target.deviceId()));
            return;
        }
        address = hubConnection.hub().addresses().deviceQueue(target.deviceId());
        super.actualDelivery(message, delivery, deliveryAnnotations, receiver, tx);
    }

    private void reject(Delivery delivery, Symbol condition, String description) {
        LOG.info("rejected cloud-to-device message from {}: {} {}", hubConnection.getRemoteAddress(), condition, description);
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        incrementSettle();
        delivery.disposition(rejected);
        settle(delivery);
        hubConnection.flush();
    }
}
