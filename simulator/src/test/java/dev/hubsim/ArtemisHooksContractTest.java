package dev.hubsim;

import dev.hubsim.amqp.HubConnectionContext;
import dev.hubsim.amqp.HubProtocolManager;
import dev.hubsim.junit.HubSimulatorTest;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.protocol.amqp.broker.ActiveMQProtonRemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate for an Artemis upgrade: each hook the hub relies on (artemis-extension-points.md §12) still takes effect.
 * Behaviour through the hooks (CBS, refusal framing, claims) is covered in {@link HubFaceTest}.
 */
@HubSimulatorTest
class ArtemisHooksContractTest {

    @Test
    void bothAcceptorsServeTheHubsProtocolManagerWithTheirUriParametersApplied(HubSimulator hub) {
        for (String name : new String[]{"amqps", "amqp"}) {
            NettyAcceptor acceptor = (NettyAcceptor) hub.broker().server().getRemotingService().getAcceptor(name);
            HubProtocolManager manager = assertInstanceOf(HubProtocolManager.class, acceptor.getProtocolMap().get("AMQP"),
                    "addProtocolManagerFactory replaced the stock AMQP factory on " + name);
            assertEquals(-1, manager.getAmqpMinLargeMessageSize(), "acceptor parameters reach the manager (BeanSupport.setData)");
            assertEquals(Set.of("AMQPWSB10", "amqp"), Set.copyOf(manager.websocketSubprotocolIdentifiers()));
        }
    }

    @Test
    void everyAmqpConnectionGetsTheHubConnectionContext(HubSimulator hub) throws Exception {
        try (AmqpTestClient tls = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
             AmqpTestClient plain = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.none()).awaitOpen()) {
            Set<RemotingConnection> connections = hub.broker().server().getRemotingService().getConnections();
            assertTrue(connections.size() >= 2);
            Set<Class<?>> contexts = connections.stream().map(c -> assertInstanceOf(ActiveMQProtonRemotingConnection.class, c))
                    .map(c -> c.getAmqpConnection().getClass()).collect(Collectors.toSet());
            assertEquals(Set.of(HubConnectionContext.class), contexts);
        }
    }
}
