package dev.hubsim.artemis;

import dev.hubsim.auth.Claim;
import dev.hubsim.events.EventHubAnnotations;
import dev.hubsim.events.TelemetryAnnotations;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.links.HubErrors;
import dev.hubsim.links.HubPath;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Permission;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPMessage;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonServerReceiverContext;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.activemq.artemis.protocol.amqp.util.NettyReadable;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;

import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device's {@code /devices/{id}/messages/events} sender: each message is stamped with the anti-spoofing
 * annotations (reference/iothub-amqp.md §6.1), appended to the device's partition of the Event Hub-compatible
 * endpoint with its x-opt-* position, and settled Accepted once stored.
 */
final class TelemetryReceiver extends ProtonServerReceiverContext {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TelemetryReceiver.class);
    private static final SimpleString DEVICE_ID = SimpleString.of(TelemetryAnnotations.CONNECTION_DEVICE_ID);
    private static final SimpleString MODULE_ID = SimpleString.of(TelemetryAnnotations.CONNECTION_MODULE_ID);
    private static final SimpleString AUTH_METHOD = SimpleString.of(TelemetryAnnotations.CONNECTION_AUTH_METHOD);
    private static final SimpleString GENERATION_ID = SimpleString.of(TelemetryAnnotations.CONNECTION_AUTH_GENERATION_ID);
    private static final SimpleString ENQUEUED_TIME = SimpleString.of(TelemetryAnnotations.ENQUEUED_TIME);
    private static final SimpleString MESSAGE_SOURCE = SimpleString.of(TelemetryAnnotations.MESSAGE_SOURCE);
    private static final SimpleString SEQUENCE_NUMBER = SimpleString.of(EventHubAnnotations.SEQUENCE_NUMBER);
    private static final SimpleString OFFSET = SimpleString.of(EventHubAnnotations.OFFSET);
    private static final SimpleString X_OPT_ENQUEUED_TIME = SimpleString.of(EventHubAnnotations.ENQUEUED_TIME);

    private final HubConnectionContext hubConnection;
    private final HubPath.DeviceTelemetry path;

    TelemetryReceiver(AMQPSessionCallback sessionSPI, HubConnectionContext connection, AMQPSessionContext session,
                      Receiver receiver, HubPath.DeviceTelemetry path) {
        super(sessionSPI, connection, session, receiver);
        this.hubConnection = connection;
        this.path = path;
    }

    @Override
    public void initialize() throws Exception {
        initialized = true;
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        topUpCreditIfNeeded();
    }

    /** Stamping needs the whole message in memory, and telemetry is capped well below large-message sizes. */
    @Override
    protected int getConfiguredMinLargeMessageSize(AMQPConnectionContext connection) {
        return -1;
    }

    /**
     * Credit by the profile's policy for telemetry links. Called from Artemis' constructor, so it must not read this
     * class's fields; the first run grants the initial credit, later runs (after each settlement) top up.
     */
    @Override
    protected Runnable createCreditRunnable(AMQPConnectionContext connection) {
        LinkCredit credit = ((HubConnectionContext) connection).credit(receiver, LinkKind.TELEMETRY);
        boolean[] started = new boolean[1];
        return () -> {
            if (!started[0]) {
                started[0] = true;
                credit.start();
            } else {
                credit.settled();
            }
        };
    }

    @Override
    protected void actualDelivery(Message message, Delivery delivery, DeliveryAnnotations deliveryAnnotations,
                                  Receiver receiver, Transaction tx) {
        long size = message.getWholeMessageSize();
        Limits limits = hubConnection.hub().limits();
        if (limits.check(LimitKind.D2C_MESSAGE_BYTES, size, path.address()) == Limits.Verdict.REFUSE) {
            reject(delivery, HubErrors.MESSAGE_SIZE_EXCEEDED, HubErrors.d2cTooLarge(size, limits.value(LimitKind.D2C_MESSAGE_BYTES)));
            return;
        }
        FaultPlan.TransferFault fault = hubConnection.hub().faults()
                .takeTransfer(hubConnection.id(), hubConnection.trace().identities(), path.address()).orElse(null);
        if (fault != null) {
            hubConnection.recordFault(path.address(), Map.of("fault", "transfer rejected", "condition", fault.condition().toString()));
            reject(delivery, fault.condition(), fault.description());
            return;
        }
        Duration delay = hubConnection.hub().faults().dispositionDelay(hubConnection.id(), hubConnection.trace().identities(), path.address());
        if (!delay.isZero()) {
            hubConnection.recordFault(path.address(), Map.of("fault", "disposition delayed", "delay-ms", delay.toMillis()));
            hubConnection.hub().scheduler().schedule(() -> hubConnection.runLater(() -> store(message, delivery, deliveryAnnotations, receiver, tx)),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        store(message, delivery, deliveryAnnotations, receiver, tx);
    }

    private void store(Message message, Delivery delivery, DeliveryAnnotations deliveryAnnotations, Receiver receiver, Transaction tx) {
        // The claim may have lapsed or the device been disabled since attach; the hub checks each message.
        Claim claim = hubConnection.claims().covering(Permission.DEVICE_CONNECT, path.resource(), hubConnection.hub().clock().instant()).orElse(null);
        Device device = hubConnection.hub().hub().registry().device(path.deviceId()).orElse(null);
        if (claim == null || device == null || !device.enabled()) {
            reject(delivery, HubErrors.UNAUTHORIZED_ACCESS, claim == null
                    ? "The claim for '" + path.address() + "' has expired; put a new token on $cbs."
                    : HubErrors.deviceDisabled(path.deviceId()));
            return;
        }
        if (!(message instanceof AMQPMessage amqp)) {
            reject(delivery, dev.hubsim.links.HubErrors.INTERNAL_ERROR, "The telemetry message could not be read as AMQP.");
            return;
        }
        stamp(amqp, claim, device);
        // Stored in the device's partition of the Event Hub-compatible endpoint, which numbers it; then Accepted.
        try {
            hubConnection.hub().eventHub().store().partitionFor(path.deviceId()).append(path.deviceId(), (sequence, offset, time) -> {
                amqp.setAnnotation(SEQUENCE_NUMBER, sequence);
                amqp.setAnnotation(OFFSET, Long.toString(offset));
                // One instant for both: the hub's enqueued time is the Event Hub's.
                amqp.setAnnotation(ENQUEUED_TIME, new Date(time));
                amqp.setAnnotation(X_OPT_ENQUEUED_TIME, new Date(time));
                amqp.reencode();
                // With delivery annotations from the device, Artemis returns a pooled copy without them, ours to release.
                boolean copied = amqp.getDeliveryAnnotations() != null;
                ReadableBuffer encoded = amqp.getSendBuffer(1, null);
                byte[] bytes = new byte[encoded.remaining()];
                encoded.get(bytes);
                if (copied && encoded instanceof NettyReadable copy) {
                    copy.getByteBuf().release();
                }
                return bytes;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not store telemetry of device '{}': {}", path.deviceId(), e.toString());
            reject(delivery, dev.hubsim.links.HubErrors.INTERNAL_ERROR, "The hub could not store the message: " + e.getMessage());
            return;
        }
        incrementSettle();
        delivery.disposition(Accepted.getInstance());
        settle(delivery);
        hubConnection.flush();
    }

    private void stamp(AMQPMessage message, Claim claim, Device device) {
        message.setAnnotation(DEVICE_ID, path.deviceId());
        if (path.moduleId() != null) {
            message.setAnnotation(MODULE_ID, path.moduleId());
        } else {
            message.removeAnnotation(MODULE_ID);
        }
        message.setAnnotation(AUTH_METHOD, claim.authMethodJson());
        message.setAnnotation(GENERATION_ID, device.generationId());
        message.setAnnotation(MESSAGE_SOURCE, TelemetryAnnotations.SOURCE_TELEMETRY);
    }

    private void reject(Delivery delivery, org.apache.qpid.proton.amqp.Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        incrementSettle();
        delivery.disposition(rejected);
        settle(delivery);
        hubConnection.flush();
    }
}
