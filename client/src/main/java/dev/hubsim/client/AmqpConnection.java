package dev.hubsim.client;

import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Transport;

import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** An AMQP connection, from {@link Amqp#openConnection}. */
public final class AmqpConnection extends AmqpObject {
    final URI url;
    Connection connection;
    Transport transport;
    Collector collector;
    SocketChannel channel;
    SelectionKey key;
    boolean socketClosed;

    AmqpConnection(Amqp amqp, URI url, EventCallback callback) {
        super(amqp, null, callback);
        this.url = url;
    }

    @Override
    public String kind() {
        return "CONNECTION";
    }

    /** Opens a session on this connection; returned at once, SESSION_OPEN once the broker answered the Begin. */
    public AmqpSession openSession(EventCallback callback) {
        return amqp.openSession(this, callback);
    }

    public AmqpSession openSession() {
        return openSession(null);
    }
}
