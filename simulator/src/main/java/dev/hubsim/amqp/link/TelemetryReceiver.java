package dev.hubsim.amqp.link;

import dev.hubsim.codec.DocumentedSize;
import dev.hubsim.codec.Messages;
import dev.hubsim.codec.TelemetryBatch;
import dev.hubsim.errors.Condition;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitKind;
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

import org.apache.activemq.artemis.protocol.amqp.broker.AMQPStandardMessage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
        List<org.apache.qpid.proton.message.Message> batch = null;
        if (Integer.toUnsignedLong(delivery.getMessageFormat()) == TelemetryBatch.FORMAT && message instanceof AMQPMessage container
                && !hubConnection.hub().deviations().contains(Deviation.BATCH_AS_ONE_EVENT)) {
            try {
                batch = TelemetryBatch.split(ByteBuffer.wrap(encoded(container)));
            } catch (TelemetryBatch.MalformedBatch e) {
                reject(delivery, AmqpErrors.symbol(Condition.DECODE_ERROR), e.getMessage());
                return;
            }
        }
        TelemetryIngest.Result.Refused tooLarge = ingest.checkSize(countedSize(message, batch), path.address());
        if (tooLarge != null) {
            reject(delivery, AmqpErrors.symbol(tooLarge.condition()), tooLarge.description());
            return;
        }
        // A batch is one send against the rate (how IoT Hub counts batches is UNCONFIRMED, reference §6).
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
            List<org.apache.qpid.proton.message.Message> inner = batch;
            hubConnection.hub().scheduler().schedule(() -> hubConnection.runLater(() -> {
                throttled--;
                afterThrottle(message, inner, delivery);
            }), wait, TimeUnit.NANOSECONDS);
            return;
        }
        afterThrottle(message, batch, delivery);
    }

    /** The refusal's condition, unless a kit's self-test asked for them swapped. */
    private Condition condition(Refusal refusal) {
        if (!hubConnection.hub().deviations().contains(Deviation.THROTTLE_CONDITIONS_SWAPPED)) {
            return refusal.condition();
        }
        return refusal == Refusal.QUOTA_EXCEEDED ? Condition.DEVICE_CONTAINER_THROTTLED
                : refusal == Refusal.NOT_IN_TIER ? refusal.condition() : Condition.RESOURCE_LIMIT_EXCEEDED;
    }

    private void afterThrottle(Message message, List<org.apache.qpid.proton.message.Message> batch, Delivery delivery) {
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
            hubConnection.hub().scheduler().schedule(() -> hubConnection.runLater(() -> store(message, batch, delivery)),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        store(message, batch, delivery);
    }

    /**
     * The size the limit applies to, as IoT Hub documents it ({@link DocumentedSize}); a batch counts the sum of its
     * messages. The count is never more than the encoding, so it is made only when the encoding is over the limit.
     */
    private long countedSize(Message message, List<org.apache.qpid.proton.message.Message> batch) {
        if (batch != null) {
            return batch.stream().mapToLong(DocumentedSize::of).sum();
        }
        long encoded = message.getWholeMessageSize();
        if (encoded <= hubConnection.hub().limits().value(LimitKind.D2C_MESSAGE_BYTES) || !(message instanceof AMQPMessage amqp)
                || hubConnection.hub().deviations().contains(Deviation.SIZE_COUNTED_ENCODED)) {
            return encoded;
        }
        return DocumentedSize.of(amqp.getProperties(), amqp.getApplicationProperties(), amqp.getBody());
    }

    private void store(Message message, List<org.apache.qpid.proton.message.Message> batch, Delivery delivery) {
        if (!(message instanceof AMQPMessage amqp)) {
            reject(delivery, AmqpErrors.INTERNAL_ERROR, "The telemetry message could not be read as AMQP.");
            return;
        }
        // Each message of a batch is its own event: stamped, partitioned and numbered on its own; one outcome settles all.
        Set<Deviation> deviations = hubConnection.hub().deviations();
        List<TelemetryIngest.Encoder> encoders = batch == null ? List.of(stamp -> stamped(amqp, stamp, deviations)) : batch.stream()
                .map(inner -> new AMQPStandardMessage(0, Messages.encode(inner), null))
                .<TelemetryIngest.Encoder>map(inner -> stamp -> stamped(inner, stamp, deviations)).toList();
        // The core checks the claim and the device again (either may have gone since attach), numbers and stores.
        TelemetryIngest.Result result = hubConnection.hub().telemetry().ingest(hubConnection.claims(), path.deviceId(), path.moduleId(),
                path.resource(), path.address(), encoders);
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
    private byte[] stamped(AMQPMessage message, TelemetryIngest.Stamp stamp, Set<Deviation> deviations) {
        if (!deviations.isEmpty()) {
            return TelemetryDepartures.stamped(message, stamp, deviations, this::stamped);
        }
        return stamped(message, stamp);
    }

    /** The message with the hub's stamp as its message annotations, as documented. */
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

    /** The message's encoding as received, without delivery annotations (a batch's container, to split). */
    private static byte[] encoded(AMQPMessage message) {
        boolean copied = message.getDeliveryAnnotations() != null;
        ReadableBuffer received = message.getSendBuffer(1, null);
        try {
            byte[] bytes = new byte[received.remaining()];
            received.get(bytes);
            return bytes;
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
