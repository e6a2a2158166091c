package dev.hubsim.mqtt;

import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.c2d.Lease;
import dev.hubsim.codec.PropertyBagMessages;
import dev.hubsim.faults.Deviation;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Cloud-to-device messages for a device subscribed to {@code devices/{id}/messages/devicebound/#}: leased from the
 * core's C2D engine, published with their properties in the topic, completed on PUBACK (at QoS 0, once written). MQTT
 * has no abandon or reject: a message not acknowledged comes back when its lock expires, or at once when the
 * connection ends (released, delivery count unchanged). On the session's event loop.
 */
final class DeviceBoundPump {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBoundPump.class);
    /** Deliveries a device may have unacknowledged at once. */
    static final int MAX_IN_FLIGHT = 16;

    private final DeviceSession session;
    private final MqttQoS qos;
    private final CloudToDevice c2d;
    private final String deviceId;
    private final Map<Integer, Lease> inFlight = new HashMap<>();
    private final Runnable wake;
    private int nextPacketId = 1;
    private boolean started;
    private boolean stopped;

    DeviceBoundPump(DeviceSession session, MqttQoS qos) {
        this.session = session;
        this.qos = qos;
        this.c2d = session.face.c2d();
        this.deviceId = session.identity.deviceId();
        this.wake = () -> session.channel.eventLoop().execute(this::pump);
    }

    void start() {
        if (!started) {
            started = true;
            c2d.addListener(deviceId, wake);
        }
        pump();
    }

    private void pump() {
        while (!stopped && session.channel.isActive() && inFlight.size() < MAX_IN_FLIGHT) {
            Lease lease = c2d.lease(deviceId);
            if (lease == null) {
                return;
            }
            Map<String, String> bag = PropertyBagMessages.deviceBoundBag(lease.encoded(), session.topics.deviceBoundAddress());
            if (session.face.deviates(Deviation.MQTT_C2D_APPLICATION_PROPERTIES_FIRST)) {
                Map<String, String> reordered = new java.util.LinkedHashMap<>();
                bag.forEach((k, v) -> {
                    if (!k.startsWith("$.")) {
                        reordered.put(k, v);
                    }
                });
                reordered.putAll(bag);
                bag = reordered;
            }
            String topic = session.topics.deviceBound(PropertyBag.encode(bag));
            int packetId = 0;
            if (qos == MqttQoS.AT_LEAST_ONCE) {
                packetId = nextPacketId();
                inFlight.put(packetId, lease);
            }
            session.send(MqttMessageBuilders.publish().topicName(topic).qos(qos).messageId(packetId)
                    .payload(Unpooled.wrappedBuffer(PropertyBagMessages.body(lease.encoded()))).build());
            if (qos == MqttQoS.AT_MOST_ONCE) {
                c2d.complete(lease);
            }
        }
    }

    private int nextPacketId() {
        int id;
        do {
            id = nextPacketId;
            nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
        } while (inFlight.containsKey(id));
        return id;
    }

    /** The device's PUBACK: the message is complete (its positive feedback, if asked for, follows). */
    void acknowledged(int packetId) {
        Lease lease = inFlight.remove(packetId);
        if (lease == null) {
            return; // a PUBACK for a telemetry-unrelated id, or repeated: nothing to do
        }
        if (c2d.complete(lease) == CloudToDevice.Settled.LOCK_LOST) {
            LOG.info("device '{}' acknowledged cloud-to-device packet {} after its lock expired; the message is delivered again", deviceId, packetId);
        }
        pump();
    }

    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        c2d.removeListener(deviceId, wake);
        inFlight.values().forEach(c2d::release);
        inFlight.clear();
    }
}
