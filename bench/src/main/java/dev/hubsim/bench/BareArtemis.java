package dev.hubsim.bench;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The baseline: a stock embedded Artemis with stock AMQP acceptors (no hub protocol manager, no security), configured
 * like the simulator's broker (NIO journal, no JMX, no critical analyzer, not persistent) and its anycast queues.
 */
final class BareArtemis implements AutoCloseable {
    static final String TLS = "amqps";
    static final String TCP = "amqp";
    static final String IN_VM = "invm";
    /** The in-VM acceptor's server id: one such broker per JVM at a time. */
    static final int IN_VM_SERVER_ID = 7;

    private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
    private final ActiveMQServer server;

    /**
     * @param keyStore PKCS12 key store for the TLS acceptor (the simulator's generated one, so both serve the same
     *                 certificate); null for no TLS acceptor
     */
    BareArtemis(Path dataDir, Path keyStore, String keyStorePassword, boolean tcp, List<String> queues) throws Exception {
        this(dataDir, keyStore, keyStorePassword, tcp, queues, false);
    }

    /** @param inVm also an in-VM acceptor, for responders inside the broker's JVM ({@link CoreResponder}) */
    BareArtemis(Path dataDir, Path keyStore, String keyStorePassword, boolean tcp, List<String> queues, boolean inVm) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("bare-artemis");
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJournalType(JournalType.NIO);
        config.setJMXManagementEnabled(false);
        config.setCriticalAnalyzer(false);
        Files.createDirectories(dataDir);
        config.setJournalDirectory(dataDir.resolve("journal").toString());
        config.setBindingsDirectory(dataDir.resolve("bindings").toString());
        config.setPagingDirectory(dataDir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dataDir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(dataDir.toString());
        // The simulator's acceptor parameters, minus MSSBCBS (a hub mechanism).
        String common = "protocols=AMQP;saslMechanisms=PLAIN,ANONYMOUS;amqpMinLargeMessageSize=-1";
        if (keyStore != null) {
            config.addAcceptorConfiguration(TLS, "tcp://127.0.0.1:0?" + common + ";sslEnabled=true;keyStoreType=PKCS12;keyStorePath="
                    + keyStore.toAbsolutePath() + ";keyStorePassword=" + keyStorePassword + ";enabledProtocols=TLSv1.2,TLSv1.3");
        }
        if (tcp) {
            config.addAcceptorConfiguration(TCP, "tcp://127.0.0.1:0?" + common);
        }
        if (inVm) {
            config.addAcceptorConfiguration(IN_VM, "vm://" + IN_VM_SERVER_ID);
        }
        for (String queue : queues) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(false));
        }
        embedded.setConfiguration(config);
        embedded.start();
        server = embedded.getActiveMQServer();
    }

    int port(String acceptor) {
        return ((NettyAcceptor) server.getRemotingService().getAcceptor(acceptor)).getActualPort();
    }

    ActiveMQServer server() {
        return server;
    }

    /** Drops every message of a queue (between rounds, outside the timed part). */
    void purge(String queue) throws Exception {
        Queue q = server.locateQueue(queue);
        if (q != null) {
            q.deleteAllReferences();
        }
    }

    long messageCount(String queue) {
        Queue q = server.locateQueue(queue);
        return q == null ? 0 : q.getMessageCount();
    }

    /** Sets the AMQP max frame size every acceptor offers to connections opened from now on. */
    static void maxFrameSize(ActiveMQServer server, int bytes) {
        server.getRemotingService().getAcceptors().values().forEach(a -> {
            if (a instanceof NettyAcceptor) {
                Object manager = ((NettyAcceptor) a).getProtocolHandler().getProtocol("AMQP");
                if (manager instanceof ProtonProtocolManager) {
                    ((ProtonProtocolManager) manager).setMaxFrameSize(bytes);
                }
            }
        });
    }

    @Override
    public void close() {
        try {
            embedded.stop();
        } catch (Exception e) {
            throw new IllegalStateException("bare Artemis did not stop cleanly", e);
        }
    }

    /** Cold start baseline: a fresh JVM starting one plain AMQP acceptor; prints a ready line and waits for stdin to close. */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "hubsim-logback.xml"); // the CLI's log set-up, for a fair start
        }
        Path dir = Files.createTempDirectory("bare-artemis");
        dir.toFile().deleteOnExit(); // not persistent: the directory stays empty
        try (BareArtemis broker = new BareArtemis(dir, null, null, true, List.of())) {
            System.out.printf("bare artemis ready in %d ms on amqp://127.0.0.1:%d%n", (System.nanoTime() - t0) / 1_000_000, broker.port(TCP));
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the parent closes stdin or kills us
            }
        }
    }
}
