package dev.hubsim.mqtt;

import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodRequest;
import dev.hubsim.methods.MethodTarget;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.Map;
import java.util.UUID;

/**
 * Direct methods over MQTT (reference iothub-twin-methods-mqtt.md §4.8) on the core's {@link DirectMethods}: once the
 * device subscribes to {@code $iothub/methods/POST/#}, requests arrive on {@code $iothub/methods/POST/{name}/?$rid={rid}}
 * at QoS 0 ("Method requests are QoS 0"), nothing after {@code $rid} (C copies the rest); answers come on
 * {@code $iothub/methods/res/{status}/?$rid={rid}} at QoS 0 or 1. On the session's event loop.
 */
final class MethodRequests {
    static final String REQUEST_PREFIX = "$iothub/methods/POST/";
    static final String RESPONSE_PREFIX = "$iothub/methods/res/";

    private final DeviceSession session;
    private final MethodTarget target;
    private DirectMethods.Subscription subscription;

    MethodRequests(DeviceSession session) {
        this.session = session;
        this.target = new MethodTarget(session.identity.deviceId(), session.identity.moduleId());
    }

    static boolean isResponse(String topic) {
        return topic.startsWith(RESPONSE_PREFIX);
    }

    void subscribe() {
        if (subscription == null) {
            subscription = session.face.methods().subscribe(target, request -> session.channel.eventLoop().execute(() -> deliver(request)));
        }
    }

    private void deliver(MethodRequest request) {
        String topic = REQUEST_PREFIX + request.methodName() + "/?$rid=" + request.requestId();
        session.send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.wrappedBuffer(request.payload() == null ? new byte[0] : request.payload())).build());
    }

    /** The device's answer; false when the topic is not {@code $iothub/methods/res/{status}/?$rid={uuid}}. */
    boolean respond(String topic, byte[] payload) {
        String rest = topic.substring(RESPONSE_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.startsWith("?", slash + 1)) {
            return false;
        }
        int status;
        UUID rid;
        try {
            status = Integer.parseInt(rest.substring(0, slash));
            Map<String, String> params = PropertyBag.decode(rest.substring(slash + 1));
            rid = UUID.fromString(params.get("$rid"));
        } catch (RuntimeException e) {
            return false;
        }
        session.face.methods().respond(rid, status, payload);
        return true;
    }

    void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
