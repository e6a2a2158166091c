package dev.hubsim.mqtt;

import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.utils.uri.BeanSupport;

import java.util.List;
import java.util.Map;

/**
 * Serves the protocol key "MQTT" when registered with {@code addProtocolManagerFactory} (docs/mqtt-extension-points.md):
 * the hub's MQTT face on Artemis' acceptors (TLS, WebSocket detection, handshake timeout), its connection type and
 * interceptor type, and Netty's MQTT codec that Artemis' MQTT module brings.
 */
public final class MqttProtocolManagerFactory extends AbstractProtocolManagerFactory<MQTTInterceptor> {
    public static final String PROTOCOL = "MQTT";
    private final MqttFace face;

    public MqttProtocolManagerFactory(MqttFace face) {
        this.face = face;
    }

    @Override
    public ProtocolManager createProtocolManager(ActiveMQServer server, Map<String, Object> parameters,
                                                 List<BaseInterceptor> incomingInterceptors, List<BaseInterceptor> outgoingInterceptors) {
        BeanSupport.stripPasswords(parameters);
        try {
            return BeanSupport.setData(new MqttProtocolManager(this, face, filterInterceptors(incomingInterceptors),
                    filterInterceptors(outgoingInterceptors)), parameters);
        } catch (Exception e) {
            throw new IllegalStateException("MQTT acceptor parameters rejected: " + e.getMessage(), e);
        }
    }

    @Override
    public List<MQTTInterceptor> filterInterceptors(List<BaseInterceptor> interceptors) {
        return internalFilterInterceptors(MQTTInterceptor.class, interceptors);
    }

    @Override
    public String[] getProtocols() {
        return new String[]{PROTOCOL};
    }

    @Override
    public String getModuleName() {
        return "hubsim-mqtt";
    }
}
