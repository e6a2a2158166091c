package dev.hubsim.mqtt;

import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.FrameFields;
import dev.hubsim.trace.TraceRecord;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MQTT packets into the protocol trace: the type, the topic of a PUBLISH as path, and the fields tests assert on. The
 * per-message packets (PUBLISH, PUBACK) keep their fields as plain values, expanded when the trace is read.
 */
final class PacketTrace {
    private static final Map<MqttMessageType, TraceRecord.FrameType> TYPES = new EnumMap<>(MqttMessageType.class);

    static {
        for (MqttMessageType type : MqttMessageType.values()) {
            TYPES.put(type, TraceRecord.FrameType.valueOf("MQTT_" + type.name()));
        }
    }

    private PacketTrace() {
    }

    private record PublishFields(int qos, int packetId, int bytes) implements FrameFields {
        @Override
        public Map<String, Object> expand() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("qos", qos);
            fields.put("packet-id", packetId);
            fields.put("bytes", bytes);
            return fields;
        }
    }

    private record PacketIdFields(int packetId) implements FrameFields {
        @Override
        public Map<String, Object> expand() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("packet-id", packetId);
            return fields;
        }
    }

    static void record(ConnectionLog trace, TraceRecord.Direction direction, MqttMessageType type, MqttMessage message) {
        if (message instanceof MqttPublishMessage p) {
            trace.record(direction, TYPES.get(type), -1, p.variableHeader().topicName(),
                    new PublishFields(p.fixedHeader().qosLevel().value(), p.variableHeader().packetId(), p.payload().readableBytes()));
            return;
        }
        if (message.variableHeader() instanceof MqttMessageIdVariableHeader id && !(message instanceof MqttSubscribeMessage)) {
            trace.record(direction, TYPES.get(type), -1, null, new PacketIdFields(id.messageId()));
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (message instanceof MqttConnAckMessage c) {
            fields.put("return-code", c.variableHeader().connectReturnCode().byteValue() & 0xff);
        } else if (message instanceof MqttConnectMessage c) {
            fields.put("client-id", c.payload().clientIdentifier());
            fields.put("keep-alive", c.variableHeader().keepAliveTimeSeconds());
            fields.put("clean-session", c.variableHeader().isCleanSession());
        } else if (message instanceof MqttSubscribeMessage s) {
            fields.put("topics", s.payload().topicSubscriptions().stream().map(MqttTopicSubscription::topicName).toList());
        }
        trace.record(direction, TYPES.get(type), -1, null, fields);
    }
}
