package dev.hubsim.client;

import org.apache.qpid.proton.engine.Endpoint;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What connections, sessions, senders and receivers share: returned at once, open only once the broker answered,
 * closed with their children when released. State changes happen on the client's loop thread.
 */
public abstract class AmqpObject implements AutoCloseable {
    final Amqp amqp;
    final AmqpObject parent;
    final EventCallback callback;
    final List<AmqpObject> children = new CopyOnWriteArrayList<>();
    volatile boolean open;
    volatile boolean released;
    /** Set once a CLOSED or ERROR ended the object; no event follows. */
    volatile boolean ended;
    boolean openEmitted;
    boolean slotFreed;
    Endpoint endpoint;

    AmqpObject(Amqp amqp, AmqpObject parent, EventCallback callback) {
        this.amqp = amqp;
        this.parent = parent;
        this.callback = callback;
    }

    /** CONNECTION, SESSION, SENDER or RECEIVER: the prefix of this object's events. */
    public abstract String kind();

    /** True from the OPEN event until the object (or its parent) is closed, fails or is released. */
    public boolean isOpen() {
        return amqp.isOpen(this);
    }

    /** The connection of a session, the session of a link; null for a connection. */
    public AmqpObject parent() {
        return parent;
    }

    /** Releases the object (the imp runtime's deallocation): closes it and, first, its children. No event follows. */
    @Override
    public void close() {
        amqp.release(this);
    }

    AmqpConnection connection() {
        AmqpObject o = this;
        while (!(o instanceof AmqpConnection)) {
            o = o.parent;
        }
        return (AmqpConnection) o;
    }
}
