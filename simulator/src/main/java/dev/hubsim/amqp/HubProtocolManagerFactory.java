package dev.hubsim.amqp;

import dev.hubsim.amqp.link.HubContext;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.utils.uri.BeanSupport;

import java.util.List;
import java.util.Map;

/**
 * Replaces Artemis' AMQP protocol under the key "AMQP" when registered with {@code addProtocolManagerFactory}
 * (artemis-extension-points.md §2.2), so every AMQP connection gets the hub's connection context.
 */
final class HubProtocolManagerFactory extends ProtonProtocolManagerFactory {
    private final HubContext hub;

    public HubProtocolManagerFactory(HubContext hub) {
        this.hub = hub;
    }

    @Override
    public ProtocolManager createProtocolManager(ActiveMQServer server, Map<String, Object> parameters,
                                                 List<BaseInterceptor> incomingInterceptors,
                                                 List<BaseInterceptor> outgoingInterceptors) throws Exception {
        // Mirrors the stock factory so acceptor parameters (amqpCredits, ...) still apply.
        BeanSupport.stripPasswords(parameters);
        return BeanSupport.setData(new HubProtocolManager(this, server, incomingInterceptors, outgoingInterceptors, hub), parameters);
    }
}
