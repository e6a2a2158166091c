package dev.hubsim.mqtt;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.faults.Deviation;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Permission;
import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.TraceRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT connection with IoT Hub's semantics, on the socket's event loop: CONNECT authenticated with the SAS token in
 * the password (the core's validator and a claim that expires with the token, closing the connection as IoT Hub does),
 * the device's own topics only, and IoT Hub's reactions to bad input: CONNACK 5 for every refused CONNECT, and a
 * closed connection with one log line for a bad SUBSCRIBE, a PUBLISH elsewhere, QoS 2 or a malformed packet
 * (reference iothub-twin-methods-mqtt.md §4.3, §4.4).
 */
final class DeviceSession extends ChannelInboundHandlerAdapter implements ConnectionClaims.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    /** The server keep-alive is 1.5 times the client's, at most this (DOCS): a client value of 0 gets the cap. */
    static final int MAX_SERVER_KEEP_ALIVE_SECONDS = 1767;

    final MqttFace face;
    private final MqttProtocolManager manager;
    Channel channel;
    private MQTTConnection connection;
    ConnectionLog trace;
    ConnectionClaims claims;
    ClientIdentity identity;
    /** The identity's path, which its claim must cover: checked on every telemetry message. */
    ResourceUri resource;
    Topics topics;
    private SessionControl control;
    private TelemetryPublisher publisher;
    TwinRequests twin;
    MethodRequests methods;
    private final Subscriptions subscriptions = new Subscriptions(this);
    private boolean closing;

    DeviceSession(MqttFace face, MqttProtocolManager manager) {
        this.face = face;
        this.manager = manager;
    }

    void attach(MQTTConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        trace = face.traces().open(String.valueOf(channel.remoteAddress()));
        long openMillis = face.openTimeout().toMillis();
        channel.eventLoop().schedule(() -> {
            if (identity == null && channel.isActive()) {
                violation("no CONNECT within " + openMillis + " ms");
            }
        }, openMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MqttMessage message = (MqttMessage) msg;
        try {
            if (closing) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                violation("malformed MQTT packet (" + message.decoderResult().cause().getMessage() + ")");
                return;
            }
            String refusedBy = manager.interceptIncoming(message, connection);
            if (refusedBy != null) {
                violation("interceptor " + refusedBy + " refused a " + message.fixedHeader().messageType());
                return;
            }
            MqttMessageType type = message.fixedHeader().messageType();
            record(TraceRecord.Direction.IN, type, message);
            if (identity == null && type != MqttMessageType.CONNECT) {
                violation(type + " before CONNECT");
                return;
            }
            switch (type) {
                case CONNECT -> connect((MqttConnectMessage) message);
                case PUBLISH -> publisher.publish((MqttPublishMessage) message);
                case PUBACK -> {
                    subscriptions.acknowledged(((MqttPubAckMessage) message).variableHeader().messageId());
                }
                case SUBSCRIBE -> subscriptions.subscribe((MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> subscriptions.unsubscribe((MqttUnsubscribeMessage) message);
                case PUBREL -> {
                    if (face.deviates(Deviation.MQTT_QOS2_PUBLISH_KEPT)) {
                        send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE, false, 0),
                                message.variableHeader()));
                    } else {
                        violation("PUBREL: QoS 2 is not supported");
                    }
                }
                case PINGREQ -> send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case DISCONNECT -> {
                    publisher.disconnected();
                    closeQuietly();
                }
                default -> violation(type + " is not supported (IoT Hub speaks MQTT 3.1.1 at QoS 0 and 1)");
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void connect(MqttConnectMessage connect) {
        if (identity != null) {
            violation("a second CONNECT on one connection");
            return;
        }
        int version = connect.variableHeader().version();
        if (version != 4) {
            String name = version == 5 ? "MQTT 5" : version == 3 ? "MQTT 3.1" : "protocol level " + version;
            refuse(version == 5 ? MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION
                    : MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, name + " is not supported; IoT Hub speaks MQTT 3.1.1");
            return;
        }
        ClientIdentity who;
        try {
            String clientId = connect.payload().clientIdentifier();
            if (face.deviates(Deviation.MQTT_CLIENT_ID_NOT_CHECKED) && connect.payload().userName() != null
                    && connect.payload().userName().indexOf("/?") > connect.payload().userName().indexOf('/')) {
                String user = connect.payload().userName();
                clientId = user.substring(user.indexOf('/') + 1, user.indexOf("/?"));
            }
            who = ClientIdentity.parse(clientId, connect.payload().userName());
        } catch (ClientIdentity.Refused e) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, e.getMessage());
            return;
        }
        String refusal = authenticate(who, connect.payload().passwordInBytes());
        if (refusal != null) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, refusal);
            return;
        }
        // A CONNECT is a new device connection for the tier's rate (as a device's put-token is over AMQP).
        long wait = face.throttling().admit(Operation.CONNECT, who.deviceId(), 1, 0);
        if (wait < 0) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, Throttling.refusal(wait).describe(Operation.CONNECT));
            return;
        }
        if (face.deviates(Deviation.MQTT_SECOND_CONNECTION_REFUSED) && face.sessions().containsKey(who.clientId())) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "'" + who.clientId() + "' is connected already");
            return;
        }
        identity = who;
        resource = resource(who);
        topics = new Topics(who.deviceId(), who.moduleId());
        trace.addIdentity(who.clientId());
        publisher = new TelemetryPublisher(this, connect);
        twin = new TwinRequests(this);
        methods = new MethodRequests(this);
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        int serverKeepAlive = keepAlive == 0 ? MAX_SERVER_KEEP_ALIVE_SECONDS : Math.min(MAX_SERVER_KEEP_ALIVE_SECONDS, (keepAlive * 3 + 1) / 2);
        channel.pipeline().addBefore(channel.pipeline().context(this).name(), "mqtt-keep-alive", new IdleStateHandler(serverKeepAlive, 0, 0));
        control = new SessionControl(this);
        face.connections().add(control);
        DeviceSession previous = face.sessions().put(who.clientId(), this);
        if (previous != null && previous != this) {
            previous.replaced();
        }
        MqttMessage connack = MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(false).build();
        if (wait > 0) {
            channel.eventLoop().schedule(() -> send(connack), wait, TimeUnit.NANOSECONDS); // shaped to the tier's connect rate
        } else {
            send(connack);
        }
        LOG.debug("MQTT client '{}' connected from {} (keep-alive {} s, server {} s)", who.clientId(), channel.remoteAddress(), keepAlive, serverKeepAlive);
    }

    /** Null when the token in the password grants DeviceConnect on the identity, else why not. */
    private String authenticate(ClientIdentity who, byte[] password) {
        if (!face.hub().answersTo(who.host())) {
            return "user name host '" + who.host() + "' is not a host name of hub '" + face.hub().name() + "'";
        }
        if (password == null) {
            return "no password: the hub takes a SAS token there (X.509 client certificates are not supported)";
        }
        TokenVerdict verdict = face.tokens().validate(new String(password, java.nio.charset.StandardCharsets.UTF_8), who.audience(), Claim.Method.SASL_PLAIN);
        if (verdict instanceof TokenVerdict.Refused refused) {
            return refused.description();
        }
        claims = new ConnectionClaims(face.clock(), face.scheduler(), channel.eventLoop(), face.maxTokenLifetime(), face.limits(), trace, this);
        TokenVerdict held = claims.put(ConnectionClaims.Endpoint.HUB, ((TokenVerdict.Granted) verdict).claim());
        if (held instanceof TokenVerdict.Refused refused) {
            return refused.description();
        }
        if (claims.covering(ConnectionClaims.Endpoint.HUB, Permission.DEVICE_CONNECT, resource(who)).isEmpty()) {
            return "the token does not grant DeviceConnect on " + who.audience();
        }
        Device device = face.hub().registry().device(who.deviceId()).orElse(null);
        if (device == null) {
            return "hub '" + face.hub().name() + "' has no device '" + who.deviceId() + "'";
        }
        return device.enabled() ? null : "device '" + who.deviceId() + "' is disabled";
    }

    static ResourceUri resource(ClientIdentity who) {
        return who.moduleId() == null ? ResourceUri.path("devices", who.deviceId())
                : ResourceUri.path("devices", who.deviceId(), "modules", who.moduleId());
    }

    private void refuse(MqttConnectReturnCode refusal, String reason) {
        MqttConnectReturnCode code = refusal == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED && face.deviates(Deviation.MQTT_CONNACK_4_ON_REFUSAL)
                ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD : refusal;
        LOG.info("MQTT CONNECT from {} refused ({}): {}", channel.remoteAddress(), code.byteValue() & 0xff, reason);
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.VIOLATION, -1, null, Map.of("refused", reason));
        MqttConnAckMessage connack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
        record(TraceRecord.Direction.OUT, MqttMessageType.CONNACK, connack);
        closing = true;
        channel.writeAndFlush(connack).addListener(f -> channel.close());
    }

    boolean subscribed(Topics.Filter filter) {
        return subscriptions.subscribed(filter);
    }

    /** Writes and flushes one packet to the client, through the outgoing interceptors and the trace. */
    void send(MqttMessage message) {
        if (!channel.isActive()) {
            ReferenceCountUtil.release(message);
            return;
        }
        String refusedBy = manager.interceptOutgoing(message, connection);
        if (refusedBy != null) {
            ReferenceCountUtil.release(message);
            violation("interceptor " + refusedBy + " refused an outgoing " + message.fixedHeader().messageType());
            return;
        }
        record(TraceRecord.Direction.OUT, message.fixedHeader().messageType(), message);
        channel.writeAndFlush(message);
    }

    /** Bad input: one log line, a trace record, and the connection closed, as IoT Hub closes MQTT connections. */
    void violation(String what) {
        if (closing) {
            return;
        }
        LOG.info("MQTT connection of {} from {} closed: {}", identity == null ? "an unauthenticated client" : "'" + identity.clientId() + "'",
                channel.remoteAddress(), what);
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.VIOLATION, -1, null, Map.of("closed", what));
        closeQuietly();
    }

    void closeQuietly() {
        closing = true;
        channel.close();
    }

    /** A newer connection took the client id (IoT Hub's 400027 ConnectionForcefullyClosedOnNewConnection). Any thread. */
    private void replaced() {
        channel.eventLoop().execute(() -> violation("a new connection for '" + identity.clientId() + "' replaced this one"));
    }

    @Override
    public void claimExpired(Claim claim, String description) {
        violation(description);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            violation("no packet within the server keep-alive (1.5 times the client's, at most " + MAX_SERVER_KEEP_ALIVE_SECONDS + " s)");
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (identity != null) {
            face.sessions().remove(identity.clientId(), this);
            publisher.connectionLost();
        }
        subscriptions.close();
        if (control != null) {
            face.connections().remove(control);
        }
        if (claims != null) {
            claims.close();
        }
        face.traces().closed(trace);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        violation("connection failed: " + cause.getMessage());
    }

    private void record(TraceRecord.Direction direction, MqttMessageType type, MqttMessage message) {
        if (face.traces().framesEnabled()) {
            PacketTrace.record(trace, direction, type, message);
        }
    }
}
