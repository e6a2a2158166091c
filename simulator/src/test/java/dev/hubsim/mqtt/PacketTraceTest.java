package dev.hubsim.mqtt;

import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.TraceRecord;
import dev.hubsim.trace.Traces;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The trace records of MQTT packets: the per-message ones kept compact read back with the same fields, in order. */
class PacketTraceTest {
    @Test
    void publishPubackAndSubscribeAsTheTraceReadsThem() {
        ConnectionLog log = new Traces(true, 100, 10, Clock.systemUTC()).open("test");
        MqttPublishMessage publish = MqttMessageBuilders.publish().topicName("devices/d1/messages/events/a=1").qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(7).payload(Unpooled.wrappedBuffer(new byte[42])).build();
        PacketTrace.record(log, TraceRecord.Direction.IN, MqttMessageType.PUBLISH, publish);
        PacketTrace.record(log, TraceRecord.Direction.OUT, MqttMessageType.PUBACK, MqttMessageBuilders.pubAck().packetId(7).build());
        MqttSubscribeMessage subscribe = MqttMessageBuilders.subscribe().messageId(8).addSubscription(MqttQoS.AT_LEAST_ONCE, "a/#").build();
        PacketTrace.record(log, TraceRecord.Direction.IN, MqttMessageType.SUBSCRIBE, subscribe);

        List<TraceRecord> records = log.records();
        assertEquals(TraceRecord.FrameType.MQTT_PUBLISH, records.get(0).type());
        assertEquals(TraceRecord.Direction.IN, records.get(0).direction());
        assertEquals("devices/d1/messages/events/a=1", records.get(0).path());
        assertEquals(List.copyOf(ordered("qos", 1, "packet-id", 7, "bytes", 42).entrySet()), List.copyOf(records.get(0).fields().entrySet()));
        assertEquals(TraceRecord.FrameType.MQTT_PUBACK, records.get(1).type());
        assertNull(records.get(1).path());
        assertEquals(Map.of("packet-id", 7), records.get(1).fields());
        assertEquals(TraceRecord.FrameType.MQTT_SUBSCRIBE, records.get(2).type());
        assertEquals(Map.of("topics", List.of("a/#")), records.get(2).fields());
    }

    @Test
    void aTelemetryTopicsBagWithAndWithoutTheTrailingSlashes() {
        Topics device = new Topics("d1", null);
        assertEquals("", device.telemetryBag("devices/d1/messages/events"));
        assertEquals("", device.telemetryBag("devices/d1/messages/events/"));
        assertEquals("", device.telemetryBag("devices/d1/messages/events//"));
        assertEquals("a=1", device.telemetryBag("devices/d1/messages/events/a=1"));
        assertEquals("a=1", device.telemetryBag("devices/d1/messages/events/a=1/"));
        assertEquals("a=1/", device.telemetryBag("devices/d1/messages/events/a=1//"));
        assertNull(device.telemetryBag("devices/d1/messages/eventsa=1"));
        assertNull(device.telemetryBag("devices/d2/messages/events/"));
        assertNull(device.telemetryBag("devices/d1/modules/m/messages/events/"));
        Topics module = new Topics("d1", "m");
        assertEquals("$.mid=1", module.telemetryBag("devices/d1/modules/m/messages/events/$.mid=1/"));
        assertNull(module.telemetryBag("devices/d1/messages/events/"));
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
