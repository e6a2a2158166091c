package dev.hubsim.amqp.link;

import dev.hubsim.errors.Condition;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPMessage;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonServerReceiverContext;
import org.apache.qpid.proton.amqp.Symbol;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device's {@code /devices/{id}/messages/events} sender: each message is stamped with the anti-spoofing
 * annotations (reference/iothub-amqp.md §6.1), appended to the device's partition of the Event Hub-compatible
 * endpoint with its x-opt-* position, and settled Accepted once stored.
 */
final class TelemetryReceiver extends ProtonServerReceiverContext {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TelemetryReceiver.class);

    private final LinkHost hubConnection;
    private final HubPath.DeviceTelemetry path;
    private final StampedTelemetry stamper = new StampedTelemetry();
    /** Messages waiting out the throttle; while any wait, later ones queue behind them, so they are stored in order. */
    private int throttled;

    /** @param connection the same connection as {@code host}, as Artemis knows it */
    TelemetryReceiver(AMQPSessionCallback sessionSPI, LinkHost host, AMQPConnectionContext connection, AMQPSessionContext session,
                      Receiver receiver, HubPath.DeviceTelemetry path) {
        super(sessionSPI, connection, session, receiver);
        this.hubConnection = host;
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
        LinkCredit credit = ((LinkHost) connection).links().credit(receiver, LinkKind.TELEMETRY);
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
        TelemetryIngest ingest = hubConnection.hub().telemetry();
        TelemetryIngest.Result.Refused tooLarge = ingest.checkSize(message.getWholeMessageSize(), path.address());
        if (tooLarge != null) {
            reject(delivery, AmqpErrors.symbol(tooLarge.condition()), tooLarge.description());
            return;
        }
        long wait = hubConnection.hub().throttling().admit(Operation.D2C_SEND, path.deviceId(), 1, message.getWholeMessageSize());
        if (wait < 0) {
            Refusal refusal = Throttling.refusal(wait);
            hubConnection.recordFault(path.address(), Map.of("throttled", refusal.errorName()));
            reject(delivery, AmqpErrors.symbol(condition(refusal)), refusal.describe(Operation.D2C_SEND));
            return;
        }
        if (wait > 0 || throttled > 0) {
            // Traffic shaping: served at the tier's rate, Accepted only then.
            throttled++;
            hubConnection.hub().scheduler().schedule(() -> hubConnection.runLater(() -> {
                throttled--;
                afterThrottle(message, delivery);
            }), wait, TimeUnit.NANOSECONDS);
            return;
        }
        afterThrottle(message, delivery);
    }

    /** The refusal's condition, unless a kit's self-test asked for them swapped. */
    private Condition condition(Refusal refusal) {
        if (!hubConnection.hub().deviations().contains(Deviation.THROTTLE_CONDITIONS_SWAPPED)) {
            return refusal.condition();
        }
        return refusal == Refusal.QUOTA_EXCEEDED ? Condition.DEVICE_CONTAINER_THROTTLED
                : refusal == Refusal.NOT_IN_TIER ? refusal.condition() : Condition.RESOURCE_LIMIT_EXCEEDED;
    }

    private void afterThrottle(Message message, Delivery delivery) {
        FaultPlan.TransferFault fault = hubConnection.hub().faults()
                .takeTransfer(hubConnection.id(), hubConnection.trace().identities(), path.address()).orElse(null);
        if (fault != null) {
            hubConnection.recordFault(path.address(), Map.of("fault", "transfer rejected", "condition", fault.condition()));
            reject(delivery, Symbol.valueOf(fault.condition()), fault.description());
            return;
        }
        Duration delay = hubConnection.hub().faults().dispositionDelay(hubConnection.id(), hubConnection.trace().identities(), path.address());
        if (!delay.isZero()) {
            hubConnection.recordFault(path.address(), Map.of("fault", "disposition delayed", "delay-ms", delay.toMillis()));
            hubConnection.hub().scheduler().schedule(() -> hubConnection.runLater(() -> store(message, delivery)),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        store(message, delivery);
    }

    private void store(Message message, Delivery delivery) {
        if (!(message instanceof AMQPMessage amqp)) {
            reject(delivery, AmqpErrors.INTERNAL_ERROR, "The telemetry message could not be read as AMQP.");
            return;
        }
        // The core checks the claim and the device again (either may have gone since attach), numbers and stores.
        TelemetryIngest.Result result = hubConnection.hub().telemetry().ingest(hubConnection.claims(), path.deviceId(), path.moduleId(),
                path.resource(), path.address(), stamp -> stamped(amqp, stamp));
        if (result instanceof TelemetryIngest.Result.Refused refused) {
            reject(delivery, AmqpErrors.symbol(refused.condition()), refused.description());
            return;
        }
        incrementSettle();
        delivery.disposition(Accepted.getInstance());
        settle(delivery);
        hubConnection.flush();
    }

    /** The message with the hub's stamp as its message annotations: the bytes the partition keeps. */
    private byte[] stamped(AMQPMessage message, TelemetryIngest.Stamp stamp) {
        // With delivery annotations from the device, Artemis returns a pooled copy without them, ours to release;
        // otherwise a view of the received bytes.
        boolean copied = message.getDeliveryAnnotations() != null;
        ReadableBuffer received = message.getSendBuffer(1, null);
        try {
            return stamper.encode(received, stamp);
        } finally {
            if (copied && received instanceof NettyReadable copy) {
                copy.getByteBuf().release();
            }
        }
    }

    private void reject(Delivery delivery, Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        incrementSettle();
        delivery.disposition(rejected);
        settle(delivery);
        hubConnection.flush();
    }
}
