package dev.hubsim.mqtt;

import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.TraceRecord;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;

import java.util.LinkedHashMap;
import java.util.Map;

/** MQTT packets into the protocol trace: the type, the topic of a PUBLISH as path, and the fields tests assert on. */
final class PacketTrace {
    private PacketTrace() {
    }

    static void record(ConnectionLog trace, TraceRecord.Direction direction, MqttMessageType type, MqttMessage message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String path = null;
        if (message instanceof MqttPublishMessage p) {
            path = p.variableHeader().topicName();
            fields.put("qos", p.fixedHeader().qosLevel().value());
            fields.put("packet-id", p.variableHeader().packetId());
            fields.put("bytes", p.payload().readableBytes());
        } else if (message instanceof MqttConnAckMessage c) {
            fields.put("return-code", c.variableHeader().connectReturnCode().byteValue() & 0xff);
        } else if (message instanceof MqttConnectMessage c) {
            fields.put("client-id", c.payload().clientIdentifier());
            fields.put("keep-alive", c.variableHeader().keepAliveTimeSeconds());
            fields.put("clean-session", c.variableHeader().isCleanSession());
        } else if (message instanceof MqttSubscribeMessage s) {
            fields.put("topics", s.payload().topicSubscriptions().stream().map(MqttTopicSubscription::topicName).toList());
        } else if (message.variableHeader() instanceof MqttMessageIdVariableHeader id) {
            fields.put("packet-id", id.messageId());
        }
        trace.record(direction, TraceRecord.FrameType.valueOf("MQTT_" + type.name()), -1, path, fields);
    }
}
