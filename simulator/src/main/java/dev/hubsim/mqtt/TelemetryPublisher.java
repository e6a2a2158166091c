package dev.hubsim.mqtt;

import dev.hubsim.codec.PropertyBagMessages;
import dev.hubsim.codec.StampSection;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.trace.TraceRecord;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device's PUBLISH packets: telemetry into the core's ingest (the claim and device checked again, stamped, stored in
 * the device's partition) with PUBACK only once stored; QoS 2 and other topics close the connection. Also the will
 * message, sent as telemetry with {@code iothub-MessageType=Will} when the connection ends without DISCONNECT.
 */
final class TelemetryPublisher {
    private final DeviceSession session;
    private final String willTopic;
    private final byte[] willPayload;
    private final boolean willRetain;
    private boolean disconnected;
    /** The connection's stamp writer: who sent the telemetry is encoded once. */
    private final StampSection stampSection = new StampSection();
    /** Messages waiting out the throttle; while any wait, later ones queue behind them, so they are stored in order. */
    private int throttled;

    TelemetryPublisher(DeviceSession session, MqttConnectMessage connect) {
        this.session = session;
        boolean will = connect.variableHeader().isWillFlag();
        this.willTopic = will ? connect.payload().willTopic() : null;
        this.willPayload = will ? connect.payload().willMessageInBytes() : null;
        this.willRetain = will && connect.variableHeader().isWillRetain();
    }

    void publish(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.EXACTLY_ONCE && session.face.deviates(Deviation.MQTT_QOS2_PUBLISH_KEPT)) {
            session.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(publish.variableHeader().packetId())));
            return;
        }
        if (qos == MqttQoS.EXACTLY_ONCE) {
            session.violation("PUBLISH with QoS 2 to '" + topic + "' (IoT Hub closes the connection)");
            return;
        }
        if (MethodRequests.isResponse(topic)) {
            if (!session.methods.respond(topic, ByteBufUtil.getBytes(publish.payload()))) {
                session.violation("PUBLISH to '" + topic + "', which is not $iothub/methods/res/{status}/?$rid={request id}");
                return;
            }
            if (qos == MqttQoS.AT_LEAST_ONCE) {
                session.send(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
            }
            return;
        }
        if (TwinRequests.isTwinTopic(topic)) {
            int packetId = publish.variableHeader().packetId();
            boolean served = session.twin.request(topic, ByteBufUtil.getBytes(publish.payload()), () -> {
                if (qos == MqttQoS.AT_LEAST_ONCE) {
                    session.send(MqttMessageBuilders.pubAck().packetId(packetId).build());
                }
            });
            if (!served) {
                session.violation("PUBLISH to '" + topic + "', which is no twin operation IoT Hub serves (or has no $rid)");
            }
            return;
        }
        String bag = session.topics.telemetryBag(topic);
        if (bag == null && session.face.deviates(Deviation.MQTT_FOREIGN_PUBLISH_DROPPED)) {
            if (qos == MqttQoS.AT_LEAST_ONCE) {
                session.send(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
            }
            return;
        }
        if (bag == null) {
            session.violation("PUBLISH to '" + topic + "', which client '" + session.identity.clientId() + "' may not publish to");
            return;
        }
        Map<String, String> properties;
        try {
            properties = PropertyBag.decode(bag, !session.face.deviates(Deviation.MQTT_BAG_KEYS_NOT_DECODED));
        } catch (IllegalArgumentException e) {
            session.violation("PUBLISH to '" + topic + "' with an unreadable property bag: " + e.getMessage());
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        int packetId = publish.variableHeader().packetId();
        String address = "/" + topic;
        TelemetryIngest ingest = session.face.telemetry();
        TelemetryIngest.Result.Refused tooLarge = ingest.checkSize(payload.length + (long) bag.length(), address);
        if (tooLarge != null) {
            session.violation(tooLarge.description());
            return;
        }
        long wait = session.face.throttling().admit(Operation.D2C_SEND, session.identity.deviceId(), 1, payload.length + (long) bag.length());
        if (wait < 0) {
            Refusal refusal = Throttling.refusal(wait);
            session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, address, Map.of("throttled", refusal.errorName()));
            session.violation(refusal.describe(Operation.D2C_SEND) + " (MQTT cannot refuse a message: the connection closes)");
            return;
        }
        boolean retain = publish.fixedHeader().isRetain();
        if (wait > 0 || throttled > 0) {
            // Traffic shaping: PUBACK at the tier's rate, in order.
            throttled++;
            session.channel.eventLoop().schedule(() -> {
                throttled--;
                afterThrottle(properties, retain, payload, qos, packetId, address);
            }, wait, TimeUnit.NANOSECONDS);
            return;
        }
        afterThrottle(properties, retain, payload, qos, packetId, address);
    }

    private void afterThrottle(Map<String, String> properties, boolean retain, byte[] payload, MqttQoS qos, int packetId, String address) {
        FaultPlan.TransferFault fault = session.face.faults().takeTransfer(session.trace.connectionId(), session.trace.identities(), address).orElse(null);
        if (fault != null) {
            session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, address,
                    Map.of("fault", "transfer rejected", "condition", fault.condition()));
            session.violation("planned fault: " + fault.description());
            return;
        }
        Duration delay = session.face.faults().dispositionDelay(session.trace.connectionId(), session.trace.identities(), address);
        if (!delay.isZero()) {
            session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, address,
                    Map.of("fault", "disposition delayed", "delay-ms", delay.toMillis()));
            session.channel.eventLoop().schedule(() -> store(properties, retain, payload, qos, packetId, address), delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        store(properties, retain, payload, qos, packetId, address);
    }

    private void store(Map<String, String> properties, boolean retain, byte[] payload, MqttQoS qos, int packetId, String address) {
        if (!session.channel.isActive()) {
            return; // the client will send it again: nothing was acknowledged
        }
        ClientIdentity who = session.identity;
        TelemetryIngest.Result result = session.face.telemetry().ingest(session.claims, who.deviceId(), who.moduleId(), session.resource,
                address, PropertyBagMessages.telemetry(properties, retain, payload, stampSection));
        if (result instanceof TelemetryIngest.Result.Refused refused) {
            session.violation(refused.description());
            return;
        }
        if (qos == MqttQoS.AT_LEAST_ONCE && !session.face.deviates(Deviation.MQTT_NO_PUBACK)) {
            session.send(MqttMessageBuilders.pubAck().packetId(packetId).build());
        }
    }

    void disconnected() {
        disconnected = true;
    }

    /** The connection ended: without a DISCONNECT, the will goes out as telemetry (if it names this device's telemetry topic). */
    void connectionLost() {
        if (disconnected || willTopic == null || session.topics.telemetryBag(willTopic) == null || session.claims == null) {
            return;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        try {
            properties.putAll(PropertyBag.decode(session.topics.telemetryBag(willTopic)));
        } catch (IllegalArgumentException e) {
            return;
        }
        properties.put("iothub-MessageType", "Will");
        ClientIdentity who = session.identity;
        session.face.telemetry().ingest(session.claims, who.deviceId(), who.moduleId(), session.resource, "/" + willTopic,
                PropertyBagMessages.telemetry(properties, willRetain, willPayload, stampSection));
    }
}
