package dev.hubsim.amqp;

import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.amqp.link.LinkRouter;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.protocol.amqp.broker.ActiveMQProtonRemotingConnection;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManagerFactory;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConstants;
import org.apache.activemq.artemis.spi.core.protocol.ConnectionEntry;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

import java.util.List;
import java.util.concurrent.Executor;

/** The AMQP protocol manager that builds hub connection contexts instead of stock ones. */
public final class HubProtocolManager extends ProtonProtocolManager {
    /** The IoT SDKs ask for AMQPWSB10 (real-clients.md §2.5); plain "amqp" stays for other clients. */
    private static final List<String> WEBSOCKET_SUBPROTOCOLS = List.of("AMQPWSB10", "amqp");

    private final HubContext hub;
    /** One router for every connection: the link kinds are stateless. */
    private final LinkRouter router;

    HubProtocolManager(ProtonProtocolManagerFactory factory, ActiveMQServer server, List<BaseInterceptor> incoming,
                       List<BaseInterceptor> outgoing, HubContext hub) {
        super(factory, server, incoming, outgoing);
        this.hub = hub;
        this.router = LinkRouter.forHub(hub);
    }

    /**
     * Mirrors the private {@code ProtonProtocolManager.internalConnectionEntry} of Artemis 2.55.0 for incoming
     * connections, with the hub's callback and context (artemis-extension-points.md §3.2). Re-check on upgrade.
     */
    @Override
    public ConnectionEntry createConnectionEntry(Acceptor acceptorUsed, Connection remotingConnection) {
        ActiveMQServer server = getServer();
        HubConnectionCallback callback = new HubConnectionCallback(this, remotingConnection,
                server.getExecutorFactory().getExecutor(), server, hub);
        long ttl = ActiveMQClient.DEFAULT_CONNECTION_TTL;
        if (server.getConfiguration().getConnectionTTLOverride() != -1) {
            ttl = server.getConfiguration().getConnectionTTLOverride();
        }
        if (getAmqpIdleTimeout() != null) {
            ttl = getAmqpIdleTimeout();
        }
        if (ttl < 0) {
            ttl = 0;
        }
        HubConnectionContext context = new HubConnectionContext(this, callback, server.getNodeID().toString(), (int) ttl,
                getMaxFrameSize(), AMQPConstants.Connection.DEFAULT_CHANNEL_MAX,
                server.getConfiguration().isAmqpUseCoreSubscriptionNaming(), server.getScheduledPool(), hub, router);
        Executor executor = server.getExecutorFactory().getExecutor();
        ActiveMQProtonRemotingConnection delegate = new ActiveMQProtonRemotingConnection(this, context, remotingConnection, executor);
        delegate.addFailureListener(callback);
        delegate.addCloseListener(callback);
        callback.setProtonConnectionDelegate(delegate);
        return new ConnectionEntry(delegate, executor, System.currentTimeMillis(), ttl <= 0 ? -1 : ttl);
    }

    /**
     * Bytes that are not an AMQP header go to the AMQP layer too, which answers with its header and closes. Without
     * this, Artemis looks for a protocol it does not have (CORE), logs an error on every read and keeps the socket.
     */
    @Override
    public boolean acceptsNoHandshake() {
        return true;
    }

    @Override
    public List<String> websocketSubprotocolIdentifiers() {
        return WEBSOCKET_SUBPROTOCOLS;
    }
}
