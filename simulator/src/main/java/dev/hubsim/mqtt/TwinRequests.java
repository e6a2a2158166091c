package dev.hubsim.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hubsim.faults.Deviation;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.TwinState;
import dev.hubsim.twin.Twins;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Twin over MQTT (reference iothub-twin-methods-mqtt.md §4.7) on the core's {@link Twins}: GET on
 * {@code $iothub/twin/GET/?$rid=}, reported patches on {@code $iothub/twin/PATCH/properties/reported/?$rid=}, answers
 * on {@code $iothub/twin/res/{status}/?$rid={rid}[&$version=n]} ({@code $rid} first, as the Java SDK needs), errors
 * with a JSON body carrying {@code errorCode} and {@code message} (Node reads nothing else); desired changes pushed on
 * {@code $iothub/twin/PATCH/properties/desired/?$version=n}. Hub publications go out at QoS 0 (the cloud's QoS is
 * unconfirmed). On the session's event loop.
 */
final class TwinRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RESPONSE_PREFIX = "$iothub/twin/res/";
    static final String DESIRED_PUSH_PREFIX = "$iothub/twin/PATCH/properties/desired/?$version=";

    private final DeviceSession session;
    private final TwinKey key;
    private Twins.Subscription desired;

    TwinRequests(DeviceSession session) {
        this.session = session;
        ClientIdentity who = session.identity;
        this.key = who.moduleId() == null ? TwinKey.device(who.deviceId()) : TwinKey.module(who.deviceId(), who.moduleId());
    }

    static boolean isTwinTopic(String topic) {
        return topic.startsWith("$iothub/twin/");
    }

    /**
     * A twin request: {@code acknowledge} (the PUBACK) runs before the answer goes out; false, with nothing done, when
     * the topic is none the hub serves (the session then closes the connection).
     */
    boolean request(String topic, byte[] payload, Runnable acknowledge) {
        boolean get = topic.startsWith(Topics.TWIN_GET);
        boolean patch = topic.startsWith(Topics.TWIN_PATCH_REPORTED);
        if (!get && !patch) {
            return false;
        }
        String query = topic.substring(get ? Topics.TWIN_GET.length() : Topics.TWIN_PATCH_REPORTED.length());
        Map<String, String> params;
        try {
            params = PropertyBag.decode(query);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String rid = params.get("$rid");
        if (rid == null) {
            return false;
        }
        acknowledge.run();
        Operation op = get ? Operation.TWIN_READ : Operation.TWIN_UPDATE;
        long wait = session.face.throttling().admit(op, key.deviceId(), 1, payload.length);
        if (wait < 0) {
            Refusal refusal = Throttling.refusal(wait);
            error(refusal.httpStatus(), refusal.errorCode(), rid, refusal.describe(op));
            return true;
        }
        if (wait > 0) {
            session.channel.eventLoop().schedule(() -> answer(get, rid, payload), wait, TimeUnit.NANOSECONDS);
            return true;
        }
        answer(get, rid, payload);
        return true;
    }

    private void answer(boolean get, String rid, byte[] payload) {
        Twins twins = session.face.twins();
        try {
            if (get) {
                TwinState state = twins.get(key);
                respond(session.face.deviates(Deviation.MQTT_TWIN_GET_202) ? 202 : 200, rid, null, JSON.writeValueAsBytes(state.deviceView()));
            } else {
                TwinState state = twins.patchReported(key, readPatch(payload));
                respond(204, rid, state.reportedVersion(), new byte[0]);
            }
        } catch (TwinException e) {
            int status = switch (e.reason()) {
                case NOT_FOUND -> 404;
                case PRECONDITION_FAILED -> 412;
                case INVALID -> 400;
            };
            error(status, status == 412 ? 412002 : status * 1000 + 1, rid, e.getMessage());
        } catch (IOException e) {
            error(400, 400001, rid, "Malformed JSON: " + e.getMessage());
        }
    }

    private static JsonNode readPatch(byte[] payload) throws IOException {
        JsonNode node = JSON.readTree(payload);
        if (node == null) {
            throw new IOException("empty body");
        }
        return node;
    }

    /** @param errorCode IoT Hub's numeric code: ArgumentInvalid 400001, DeviceNotFound 404001, PreconditionFailed 412002, 429001... */
    private void error(int status, int errorCode, String rid, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("errorCode", errorCode);
        body.put("message", message);
        try {
            respond(status, rid, null, JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void respond(int status, String rid, Long version, byte[] body) {
        if (!session.subscribed(Topics.Filter.TWIN_RESPONSES)) {
            return; // nobody listens: IoT Hub answers on the subscription only
        }
        String topic = version != null && session.face.deviates(Deviation.MQTT_TWIN_VERSION_BEFORE_RID)
                ? RESPONSE_PREFIX + status + "/?$version=" + version + "&$rid=" + PropertyBag.escape(rid)
                : RESPONSE_PREFIX + status + "/?$rid=" + PropertyBag.escape(rid) + (version == null ? "" : "&$version=" + version);
        session.send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE).payload(Unpooled.wrappedBuffer(body)).build());
    }

    /** The device subscribed to desired changes: each one is pushed with its {@code $version}. */
    void subscribeDesired() {
        if (desired != null) {
            return;
        }
        desired = session.face.twins().subscribe(key, patch -> session.channel.eventLoop().execute(() -> {
            try {
                byte[] body = JSON.writeValueAsBytes(patch.body());
                session.send(MqttMessageBuilders.publish().topicName(DESIRED_PUSH_PREFIX + patch.version()).qos(MqttQoS.AT_MOST_ONCE)
                        .payload(Unpooled.wrappedBuffer(body)).build());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    void close() {
        if (desired != null) {
            desired.close();
            desired = null;
        }
    }
}
