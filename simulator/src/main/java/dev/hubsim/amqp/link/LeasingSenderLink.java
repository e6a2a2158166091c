package dev.hubsim.amqp.link;

import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;

import java.util.HashSet;
import java.util.Set;

/**
 * A hub-side sender that hands out leased items (cloud-to-device messages, feedback messages) as credit allows, maps
 * the client's outcome back onto the lease, and returns every unsettled lease when the link goes away. Runs on the
 * connection's event loop; the store wakes it from other threads through {@link #wake}.
 */
abstract class LeasingSenderLink<T> implements ProtonDeliveryHandler {
    protected final LinkHost connection;
    protected final Sender sender;
    private final Set<T> outstanding = new HashSet<>();
    private final Runnable wake;
    private boolean closed;

    LeasingSenderLink(LinkHost connection, Sender sender) {
        this.connection = connection;
        this.sender = sender;
        this.wake = () -> connection.runLater(this::pump);
    }

    /** Attaches with the client's terminus and starts listening to the store. */
    final void open() {
        sender.setSource(sender.getRemoteSource());
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(sender.getRemoteReceiverSettleMode());
        sender.setContext(this);
        sender.open();
        listen(wake);
        pump();
    }

    /** The next item to deliver, locked for this link, or null. */
    protected abstract T take();

    protected abstract byte[] encode(T item);

    protected abstract byte[] deliveryTag(T item);

    /** The client settled the delivery with this outcome (null when it settled without one). */
    protected abstract void settled(T item, DeliveryState outcome);

    /** The delivery will never be settled (link or connection gone): give the item back. */
    protected abstract void giveBack(T item);

    protected abstract void listen(Runnable wake);

    protected abstract void unlisten(Runnable wake);

    private void pump() {
        if (closed) {
            return;
        }
        boolean sent = false;
        while (sender.getCredit() > 0) {
            T item = take();
            if (item == null) {
                break;
            }
            byte[] bytes = encode(item);
            Delivery delivery = sender.delivery(deliveryTag(item));
            delivery.setContext(item);
            outstanding.add(item);
            sender.send(bytes, 0, bytes.length);
            sender.advance();
            sent = true;
        }
        if (sent) {
            connection.flush();
        }
    }

    @Override
    public void onFlow(int currentCredits, boolean drain) {
        pump();
        if (drain && !closed) {
            sender.drained();
            connection.flush();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(Delivery delivery) {
        T item = (T) delivery.getContext();
        DeliveryState outcome = delivery.getRemoteState();
        if (item == null || outcome == null && !delivery.remotelySettled()) {
            return;
        }
        delivery.setContext(null);
        outstanding.remove(item);
        settled(item, outcome);
        if (!delivery.remotelySettled()) {
            // Edge Hub settles with Accepted once it has mapped the device's outcome (reference/iothub-amqp.md §7.4).
            delivery.disposition(Accepted.getInstance());
        }
        delivery.settle();
        connection.flush();
    }

    @Override
    public void close(boolean remoteLinkClose) {
        shutDown();
    }

    @Override
    public void close(ErrorCondition condition) {
        shutDown();
    }

    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        unlisten(wake);
        outstanding.forEach(this::giveBack);
        outstanding.clear();
    }
}
