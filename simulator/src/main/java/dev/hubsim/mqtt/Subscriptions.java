package dev.hubsim.mqtt;

import dev.hubsim.faults.Deviation;
import dev.hubsim.throttling.Operation;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's subscriptions: the device's own filters only (anything else closes the connection rather than
 * answering SUBACK 0x80), at most five, QoS granted min(asked, 1); each starts what feeds it (C2D leases, desired
 * pushes, method requests) and an UNSUBSCRIBE or the end of the connection stops it. On the session's event loop.
 */
final class Subscriptions {
    /** "A device can only subscribe to five topics at a time" (DOCS). */
    static final int MAX_SUBSCRIPTIONS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final DeviceSession session;
    private final Map<String, Topics.Filter> filters = new LinkedHashMap<>();
    private DeviceBoundPump deviceBound;

    Subscriptions(DeviceSession session) {
        this.session = session;
    }

    void subscribe(MqttSubscribeMessage subscribe) {
        List<Integer> granted = new ArrayList<>();
        for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
            Topics.Filter filter = session.topics.filter(s.topicName());
            if (filter == null && session.face.deviates(Deviation.MQTT_BAD_SUBSCRIBE_ANSWERED)) {
                granted.add(0x80);
                continue;
            }
            if (filter == null) {
                session.violation("SUBSCRIBE to '" + s.topicName() + "', which client '" + session.identity.clientId() + "' may not subscribe to");
                return;
            }
            Operation needs = needs(filter);
            if (needs != null && !session.face.throttling().offers(needs)) {
                // A basic tier lacks the feature: this subscription fails (SUBACK 0x80), the connection keeps serving the rest.
                LOG.info("MQTT SUBSCRIBE of '{}' to '{}' refused: OperationNotAvailableInCurrentTier (403010): {} are not offered by {}",
                        session.identity.clientId(), s.topicName(), needs.noun(), session.face.throttling().settings().describe());
                granted.add(0x80);
                continue;
            }
            if (!filters.containsKey(s.topicName()) && filters.size() >= MAX_SUBSCRIPTIONS) {
                session.violation("SUBSCRIBE to '" + s.topicName() + "' would be subscription " + (MAX_SUBSCRIPTIONS + 1) + "; IoT Hub allows " + MAX_SUBSCRIPTIONS);
                return;
            }
            filters.put(s.topicName(), filter);
            int asked = s.qualityOfService().value();
            int qos = session.face.deviates(Deviation.MQTT_QOS2_GRANTED) ? asked : Math.min(1, asked);
            granted.add(qos);
            start(filter, Math.min(1, qos));
        }
        session.send(new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(subscribe.variableHeader().messageId()), new MqttSubAckPayload(granted)));
        if (deviceBound != null) {
            deviceBound.start();
        }
    }

    /** The tier feature a filter feeds from, or null when every tier offers it. */
    private static Operation needs(Topics.Filter filter) {
        return switch (filter) {
            case DEVICE_BOUND -> Operation.C2D_SEND;
            case TWIN_DESIRED -> Operation.TWIN_READ;
            case METHOD_REQUESTS -> Operation.METHOD;
            // twin answers stay subscribable: a basic tier's twin requests are answered 403010 on them
            case TWIN_RESPONSES, MODULE_INPUTS -> null;
        };
    }

    private void start(Topics.Filter filter, int qos) {
        switch (filter) {
            // A module's client subscribes to its device's C2D topic too (Java does); C2D is for devices only: granted, never fed.
            case DEVICE_BOUND -> {
                if (deviceBound == null && session.identity.moduleId() == null) {
                    deviceBound = new DeviceBoundPump(session, MqttQoS.valueOf(qos));
                }
            }
            case TWIN_DESIRED -> session.twin.subscribeDesired();
            case METHOD_REQUESTS -> session.methods.subscribe();
            default -> {
                // twin responses go out only while subscribed (TwinRequests asks); module inputs are Edge's
            }
        }
    }

    void unsubscribe(MqttUnsubscribeMessage unsubscribe) {
        for (String topic : unsubscribe.payload().topics()) {
            Topics.Filter removed = filters.remove(topic);
            if (removed != null && !filters.containsValue(removed)) {
                stop(removed);
            }
        }
        session.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(unsubscribe.variableHeader().messageId())));
    }

    private void stop(Topics.Filter filter) {
        switch (filter) {
            case DEVICE_BOUND -> {
                if (deviceBound != null) {
                    deviceBound.stop();
                    deviceBound = null;
                }
            }
            case TWIN_DESIRED -> session.twin.close();
            case METHOD_REQUESTS -> session.methods.close();
            default -> {
            }
        }
    }

    boolean subscribed(Topics.Filter filter) {
        return filters.containsValue(filter);
    }

    /** A PUBACK from the device: only C2D deliveries are sent at QoS 1. */
    void acknowledged(int packetId) {
        if (deviceBound != null) {
            deviceBound.acknowledged(packetId);
        }
    }

    /** The connection ended: every feed stops. */
    void close() {
        List.copyOf(filters.values()).forEach(this::stop);
        filters.clear();
        if (session.twin != null) {
            session.twin.close();
            session.methods.close();
        }
    }
}
