package dev.hubsim.amqp.link;

import dev.hubsim.errors.Condition;
import dev.hubsim.eventhub.Partition;
import dev.hubsim.eventhub.ReceiverRegistry;
import dev.hubsim.eventhub.StoredEvent;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker end of an Event Hub receiver ({@code {name}/ConsumerGroups/{cg}/Partitions/{p}}): sends the partition's
 * stored events from its start position as credit allows, then each new one as it is appended. Events are read, not
 * consumed, so every consumer group and receiver has its own position. Proton is touched on the connection's event
 * loop only; appends on other connections wake it through {@code runLater} (artemis-extension-points.md §11).
 */
final class EventHubSender implements ProtonDeliveryHandler, ReceiverRegistry.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubSender.class);
    /** Desired capability asking for last-enqueued-event facts in each delivery's annotations (EHJAVA). */
    static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");

    private final LinkHost connection;
    private final Sender sender;
    private final Partition partition;
    private final ReceiverRegistry registry;
    private final boolean runtimeMetric;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Runnable wake = this::scheduleWake;
    private ReceiverRegistry.Registration registration;
    private long cursor;
    private long nextTag;
    private volatile boolean closed;

    EventHubSender(LinkHost connection, Sender sender, Partition partition, ReceiverRegistry registry, boolean runtimeMetric) {
        this.connection = connection;
        this.sender = sender;
        this.partition = partition;
        this.registry = registry;
        this.runtimeMetric = runtimeMetric;
    }

    /** Starts delivering from {@code firstSequence}; the link is open and admitted. */
    void start(ReceiverRegistry.Registration admitted, long firstSequence) {
        this.registration = admitted;
        this.cursor = firstSequence;
        partition.addListener(wake);
        pump();
    }

    private void scheduleWake() {
        if (!closed && wakeScheduled.compareAndSet(false, true)) {
            connection.runLater(() -> {
                wakeScheduled.set(false);
                pump();
            });
        }
    }

    private void pump() {
        if (closed || sender.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        boolean wrote = false;
        while (sender.getCredit() > 0) {
            StoredEvent event = partition.eventAtOrAfter(cursor);
            if (event == null) {
                break;
            }
            cursor = event.sequenceNumber() + 1;
            byte[] bytes = runtimeMetric ? withRuntimeInfo(event) : event.encoded();
            Delivery delivery = sender.delivery(ByteBuffer.allocate(Long.BYTES).putLong(nextTag++).array());
            sender.send(bytes, 0, bytes.length);
            sender.advance();
            if (sender.getRemoteSenderSettleMode() == SenderSettleMode.SETTLED) {
                delivery.settle();
            }
            wrote = true;
        }
        if (sender.getDrain() && sender.getCredit() > 0) {
            sender.drained();
            wrote = true;
        }
        if (wrote) {
            connection.flush();
        }
    }

    /** The last-enqueued facts azure-messaging-eventhubs reads when it asked for {@link #RUNTIME_METRIC}. */
    private byte[] withRuntimeInfo(StoredEvent event) {
        Partition.RuntimeInfo info = partition.runtimeInfo();
        Message message = Proton.message();
        message.decode(event.encoded(), 0, event.encoded().length);
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(Symbol.valueOf(ManagementNode.LAST_ENQUEUED_SEQUENCE_NUMBER), info.lastSequenceNumber());
        annotations.put(Symbol.valueOf(ManagementNode.LAST_ENQUEUED_OFFSET), Long.toString(info.lastOffset()));
        annotations.put(Symbol.valueOf(ManagementNode.LAST_ENQUEUED_TIME_UTC), new Date(info.lastEnqueuedTime()));
        annotations.put(Symbol.valueOf(ManagementNode.RUNTIME_INFO_RETRIEVAL_TIME_UTC), new Date(connection.hub().clock().millis()));
        message.setDeliveryAnnotations(new DeliveryAnnotations(annotations));
        byte[] buffer = new byte[event.encoded().length + 512];
        while (true) {
            try {
                return Arrays.copyOf(buffer, message.encode(buffer, 0, buffer.length));
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }

    @Override
    public void onFlow(int currentCredits, boolean drain) {
        pump();
    }

    /** A disposition from the client (rcv-settle-mode second waits for ours): settle, the event stays stored. */
    @Override
    public void onMessage(Delivery delivery) {
        if (delivery.remotelySettled() || delivery.getRemoteState() != null) {
            delivery.settle();
        }
    }

    /** Another receiver with a higher or equal epoch took the partition; may be called from any thread. */
    @Override
    public void displace(Condition condition, String description) {
        connection.runLater(() -> {
            if (closed) {
                return;
            }
            LOG.info("closing Event Hub receiver '{}' on partition {} from {}: {} {}", sender.getName(), partition.id(),
                    connection.getRemoteAddress(), condition, description);
            connection.links().closeLink(sender, AmqpErrors.error(condition, description));
            connection.flush();
        });
    }

    /** Stops delivering and gives the receiver's place back; safe to call more than once. */
    void release() {
        if (closed) {
            return;
        }
        closed = true;
        partition.removeListener(wake);
        if (registration != null) {
            registry.release(registration);
        }
    }

    @Override
    public void close(boolean remoteLinkClose) {
        release();
    }

    @Override
    public void close(ErrorCondition condition) {
        release();
    }
}
