package dev.hubsim.mqtt;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTConnection;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTRoutingHandler;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.ConnectionEntry;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The hub's MQTT protocol on an Artemis acceptor: Netty's MQTT codec and one {@link DeviceSession} per socket, an
 * {@link MQTTConnection} as Artemis' view of it. Artemis' stock MQTT handler is not used: it routes PUBLISH to broker
 * addresses and its interceptors can only let a packet through or drop the connection, while the hub must answer
 * CONNECT, SUBSCRIBE and PUBLISH itself (docs/mqtt-extension-points.md).
 */
final class MqttProtocolManager extends AbstractProtocolManager<MqttMessage, MQTTInterceptor, MQTTConnection, MQTTRoutingHandler> {
    private static final Logger LOG = LoggerFactory.getLogger(MqttProtocolManager.class);
    /** The WebSocket subprotocols offered: Java and Node ask for {@code mqtt}, the C SDK for {@code MQTT}. */
    private static final List<String> SUBPROTOCOLS = List.of("mqtt", "MQTT");
    /** Packets above this are refused by the decoder (the connection closes); the hub's message limit is far below. */
    static final int MAX_PACKET_BYTES = 1024 * 1024;

    private final ProtocolManagerFactory<MQTTInterceptor> factory;
    private final MqttFace face;
    private final List<MQTTInterceptor> incoming;
    private final List<MQTTInterceptor> outgoing;

    MqttProtocolManager(ProtocolManagerFactory<MQTTInterceptor> factory, MqttFace face, List<MQTTInterceptor> incoming,
                        List<MQTTInterceptor> outgoing) {
        this.factory = factory;
        this.face = face;
        this.incoming = new java.util.concurrent.CopyOnWriteArrayList<>(incoming);
        this.outgoing = new java.util.concurrent.CopyOnWriteArrayList<>(outgoing);
    }

    @Override
    public ProtocolManagerFactory<MQTTInterceptor> getFactory() {
        return factory;
    }

    @Override
    public void updateInterceptors(List<BaseInterceptor> incomingInterceptors, List<BaseInterceptor> outgoingInterceptors) {
        incoming.clear();
        incoming.addAll(factory.filterInterceptors(incomingInterceptors));
        outgoing.clear();
        outgoing.addAll(factory.filterInterceptors(outgoingInterceptors));
    }

    /** Null when every incoming interceptor lets the packet through, else the name of the one that refused it. */
    String interceptIncoming(MqttMessage message, MQTTConnection connection) {
        return invokeInterceptors(incoming, message, connection);
    }

    String interceptOutgoing(MqttMessage message, MQTTConnection connection) {
        return invokeInterceptors(outgoing, message, connection);
    }

    @Override
    public ConnectionEntry createConnectionEntry(Acceptor acceptorUsed, Connection connection) {
        try {
            MQTTConnection mqtt = new MQTTConnection(connection);
            DeviceSession session = ((NettyServerConnection) connection).getChannel().pipeline().get(DeviceSession.class);
            session.attach(mqtt);
            // TTL -1: Artemis never times the connection out; the session applies IoT Hub's keep-alive itself.
            return new ConnectionEntry(mqtt, null, System.currentTimeMillis(), -1);
        } catch (Exception e) {
            LOG.error("could not set up an MQTT connection: {}", e.toString());
            return null;
        }
    }

    @Override
    public void handleBuffer(RemotingConnection connection, ActiveMQBuffer buffer) {
        // never called: the Netty handlers decode and answer every packet
    }

    @Override
    public void addChannelHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(MqttEncoder.INSTANCE);
        pipeline.addLast(new MqttDecoder(MAX_PACKET_BYTES));
        pipeline.addLast(new DeviceSession(face, this));
    }

    /** A CONNECT packet: type 1, a valid remaining length, then the protocol name "MQTT" (3.1.1, 5) or "MQIsdp" (3.1). */
    @Override
    public boolean isProtocol(byte[] bytes) {
        if (bytes.length < 6 || bytes[0] != 0x10) {
            return false;
        }
        int i = 1;
        while (i < 5 && i < bytes.length && (bytes[i] & 0x80) != 0) {
            i++;
        }
        i++;
        if (i + 3 >= bytes.length) {
            return i + 1 < bytes.length && bytes[i] == 0;
        }
        return bytes[i] == 0 && (bytes[i + 1] == 4 || bytes[i + 1] == 6) && bytes[i + 2] == 'M' && bytes[i + 3] == 'Q';
    }

    @Override
    public boolean acceptsNoHandshake() {
        return false;
    }

    @Override
    public void handshake(NettyServerConnection connection, ActiveMQBuffer buffer) {
    }

    @Override
    public List<String> websocketSubprotocolIdentifiers() {
        return SUBPROTOCOLS;
    }

    @Override
    public MQTTRoutingHandler getRoutingHandler() {
        return null;
    }
}
