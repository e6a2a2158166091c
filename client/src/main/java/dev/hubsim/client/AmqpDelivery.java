package dev.hubsim.client;

import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;

import java.util.concurrent.atomic.AtomicBoolean;

/** A received message's delivery: settle it once with accept, reject or release. */
public final class AmqpDelivery {
    private final AmqpReceiver receiver;
    private final Delivery delivery;
    private final AtomicBoolean settled = new AtomicBoolean();

    AmqpDelivery(AmqpReceiver receiver, Delivery delivery) {
        this.receiver = receiver;
        this.delivery = delivery;
    }

    public void accept() {
        settle(Accepted.getInstance());
    }

    public void reject() {
        settle(new Rejected());
    }

    public void release() {
        settle(Released.getInstance());
    }

    private void settle(DeliveryState state) {
        if (!settled.compareAndSet(false, true)) {
            throw new AmqpException("delivery already settled");
        }
        receiver.amqp.settle(receiver, delivery, state);
    }
}
