package dev.hubsim.amqp;

import dev.hubsim.amqp.link.HubContext;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;

import java.nio.file.Path;

/**
 * The embedded Artemis broker behind the hub: two AMQP acceptors (TLS and plain) served by the hub's protocol
 * manager factory, the hub's security manager, and the internal queues (artemis-extension-points.md §2); other
 * protocols (MQTT) on acceptors of their own and on the WebSocket acceptor (docs/mqtt-extension-points.md).
 */
public final class HubBroker implements AutoCloseable {
    public static final String AMQPS_ACCEPTOR = "amqps";
    public static final String AMQP_ACCEPTOR = "amqp";
    /** Plain, on loopback only: reached through the HTTPS front, which terminates TLS on the shared HTTPS port. */
    public static final String WEBSOCKET_ACCEPTOR = "websocket";

    /**
     * @param bindHost        address the acceptors listen on
     * @param amqpsPort       TLS port; 0 picks a free one
     * @param amqpPort        plain port; 0 picks a free one
     * @param keyStore        PKCS12 key store holding the server certificate
     * @param idleTimeout     the AMQP idle timeout: a connection with no input for this long is closed
     *                        ({@code amqp:resource-limit-exceeded}); the Open advertises half of it
     * @param openTimeout     a socket that has not finished its TLS handshake or sent its protocol header after this
     *                        long is closed (Artemis' handshake timeouts, whole seconds)
     * @param maxFrameSize    the AMQP max frame size the Open advertises, bytes; 0 for Artemis' default (128 KiB)
     */
    public record Settings(String bindHost, int amqpsPort, int amqpPort, Path keyStore, String keyStorePassword,
                           Path dataDir, boolean persistent, java.time.Duration idleTimeout, java.time.Duration openTimeout, int maxFrameSize) {
    }

    /** How often time-based retention runs over partitions nobody writes to. */
    private static final long RETENTION_SWEEP_SECONDS = 10;

    /**
     * Another protocol on the same broker (the MQTT face): its factory, served on a TLS port (0 picks one), on an optional
     * plain port (-1: none) and on the WebSocket acceptor beside AMQP; acceptors are named {@code protocol + "s"} and
     * {@code protocol}, lower case.
     */
    public record OtherProtocol(ProtocolManagerFactory<?> factory, String protocol, int tlsPort, int plainPort) {
        public String tlsAcceptor() {
            return protocol.toLowerCase(java.util.Locale.ROOT) + "s";
        }

        public String plainAcceptor() {
            return protocol.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
    private final java.util.List<OtherProtocol> others = new java.util.ArrayList<>();
    private final HubContext hub;
    private final Settings settings;
    private ActiveMQServer server;

    public HubBroker(HubContext hub, Settings settings) {
        this.hub = hub;
        this.settings = settings;
    }

    /** Adds a protocol before {@link #start()}. */
    public HubBroker with(OtherProtocol other) {
        others.add(other);
        return this;
    }

    public void start() throws Exception {
        embedded.setConfiguration(configuration());
        embedded.setSecurityManager(new HubSecurityManager());
        embedded.createActiveMQServer();
        server = embedded.getActiveMQServer();
        server.addProtocolManagerFactory(new HubProtocolManagerFactory(hub));
        others.forEach(o -> server.addProtocolManagerFactory(o.factory()));
        server.start();
        // Artemis logs an acceptor that cannot bind and starts without it: a port taken since the free-port check.
        for (String name : new String[]{AMQPS_ACCEPTOR, AMQP_ACCEPTOR, WEBSOCKET_ACCEPTOR}) {
            if (port(name) == 0) { // NettyAcceptor's port before a successful bind
                throw new java.net.BindException("acceptor " + name + " did not bind");
            }
        }
        for (String name : new String[]{AMQPS_ACCEPTOR, AMQP_ACCEPTOR}) {
            AmqpOnlyProtocolHandler.install((NettyAcceptor) server.getRemotingService().getAcceptor(name), server.getScheduledPool());
        }
        // Telemetry lives in the Event Hub partitions and C2D in the hub's own queues, not in broker queues (README, "Choices").
        server.getScheduledPool().scheduleWithFixedDelay(hub.eventHub().store()::trimExpired, RETENTION_SWEEP_SECONDS,
                RETENTION_SWEEP_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    private Configuration configuration() {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("hubsim-" + hub.hub().name());
        config.setPersistenceEnabled(settings.persistent());
        config.setSecurityEnabled(true);
        // Claims live on connections; Artemis must ask the security manager every time (extension points §7.2).
        config.setAuthenticationCacheSize(0);
        config.setAuthorizationCacheSize(0);
        config.setJournalType(JournalType.NIO);
        config.setJMXManagementEnabled(false);
        config.setCriticalAnalyzer(false);
        config.setResolveProtocols(false);
        config.setWildcardRoutingEnabled(false);
        Path broker = settings.dataDir().resolve("broker");
        config.setJournalDirectory(broker.resolve("journal").toString());
        config.setBindingsDirectory(broker.resolve("bindings").toString());
        config.setPagingDirectory(broker.resolve("paging").toString());
        config.setLargeMessagesDirectory(broker.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(broker.toString());
        config.addAddressSetting("#", new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false));
        long openSeconds = Math.max(1, (settings.openTimeout().toMillis() + 999) / 1000);
        String common = "protocols=AMQP;saslMechanisms=PLAIN,ANONYMOUS,MSSBCBS;amqpMinLargeMessageSize=-1"
                + ";amqpIdleTimeout=" + settings.idleTimeout().toMillis()
                + ";handshake-timeout=" + openSeconds
                // Reaches ProtonProtocolManager.setMaxFrameSize like the other protocol parameters (BeanSupport.setData).
                + (settings.maxFrameSize() > 0 ? ";maxFrameSize=" + settings.maxFrameSize() : "");
        String tls = ";sslEnabled=true;keyStoreType=PKCS12;keyStorePath=" + settings.keyStore().toAbsolutePath()
                + ";keyStorePassword=" + settings.keyStorePassword() + ";enabledProtocols=TLSv1.2,TLSv1.3"
                + ";sslHandshakeTimeout=" + openSeconds;
        String websocketProtocols = "AMQP" + others.stream().map(o -> "," + o.protocol()).collect(java.util.stream.Collectors.joining());
        try {
            config.addAcceptorConfiguration(AMQPS_ACCEPTOR, "tcp://" + settings.bindHost() + ":" + settings.amqpsPort() + "?" + common + tls);
            config.addAcceptorConfiguration(AMQP_ACCEPTOR, "tcp://" + settings.bindHost() + ":" + settings.amqpPort() + "?" + common);
            // The HTTPS front relays every WebSocket upgrade here; Artemis picks the protocol from the first bytes after it.
            config.addAcceptorConfiguration(WEBSOCKET_ACCEPTOR, "tcp://127.0.0.1:0?" + common.replace("protocols=AMQP", "protocols=" + websocketProtocols));
            for (OtherProtocol o : others) {
                String own = "protocols=" + o.protocol() + ";handshake-timeout=" + openSeconds;
                config.addAcceptorConfiguration(o.tlsAcceptor(), "tcp://" + settings.bindHost() + ":" + o.tlsPort() + "?" + own + tls);
                if (o.plainPort() >= 0) {
                    config.addAcceptorConfiguration(o.plainAcceptor(), "tcp://" + settings.bindHost() + ":" + o.plainPort() + "?" + own);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("acceptor configuration rejected: " + e.getMessage(), e);
        }
        return config;
    }

    /** The port an acceptor actually listens on (the chosen one when configured as 0). */
    public int port(String acceptorName) {
        Acceptor acceptor = server.getRemotingService().getAcceptor(acceptorName);
        return ((NettyAcceptor) acceptor).getActualPort();
    }

    public ActiveMQServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            embedded.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop cleanly", e);
        } finally {
            hub.eventHub().store().close();
        }
    }
}
