package dev.hubsim.conformance.world;

import dev.hubsim.probe.ConnectionString;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MQTT face as a device sees it, through Eclipse Paho (the MQTT library the Java device SDK pins, not the
 * simulator's code): CONNECT as IoT Hub documents it, telemetry with a property bag, subscriptions, cloud-to-device
 * messages with their properties in the topic, twin requests, and the connection closed on bad input.
 */
public final class MqttChecks {
    static final long WAIT_SECONDS = 20;
    /** How long a close the hub owes may take. */
    static final long CLOSE_SECONDS = 5;

    /** One device's MQTT connection and what came back on it. */
    private static final class Device {
        final MqttClient client;
        final CompletableFuture<Throwable> lost = new CompletableFuture<>();
        final BlockingQueue<String[]> inbox = new LinkedBlockingQueue<>();

        Device(MqttClient client) {
            this.client = client;
        }
    }

    private final HubWorld w;
    private final Map<String, Device> devices = new HashMap<>();
    private final List<Device> replaced = new ArrayList<>();
    private int connackCode = -1;
    private MqttException lastFailure;
    private int grantedQos = -1;
    private String[] lastReceived;

    MqttChecks(HubWorld w) {
        this.w = w;
    }

    private String userName(String deviceId) {
        return w.target().service().hostName() + "/" + deviceId + "/?api-version=2021-04-12&DeviceClientType=hubsim-specs";
    }

    /** CONNECT with the actor's device id (or {@code clientId}), the documented user name and {@code password}. */
    public void connect(String actor, String password, String clientId) throws Exception {
        ConnectionString device = w.device(actor);
        String id = clientId == null ? device.deviceId() : w.expand(clientId);
        MqttClient client = new MqttClient("ssl://" + w.target().endpoint().host() + ":" + w.target().mqttsPort(), id, new MemoryPersistence());
        client.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        Device d = new Device(client);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                d.lost.complete(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                d.inbox.add(new String[]{topic, new String(message.getPayload(), StandardCharsets.UTF_8)});
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setUserName(userName(device.deviceId()));
        o.setPassword(password.toCharArray());
        o.setSocketFactory(w.target().trust().getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(false);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout((int) WAIT_SECONDS);
        try {
            client.connect(o);
            connackCode = 0;
        } catch (MqttException e) {
            connackCode = e.getReasonCode() < 256 ? e.getReasonCode() : -1;
            lastFailure = e;
        }
        Device previous = devices.put(actor, d);
        if (previous != null) {
            replaced.add(previous);
        }
    }

    public void expectConnack(int code) {
        w.verdicts.expectEqual("CONNACK return code", code, connackCode == -1 && lastFailure != null ? lastFailure.toString() : connackCode);
    }

    private Device device(String actor) {
        Device d = devices.get(actor);
        if (d == null) {
            throw new IllegalStateException(actor + " has no MQTT connection");
        }
        return d;
    }

    /**
     * Publishes telemetry with a property bag (system properties written both ways: {@code $.mid} as the Java SDK
     * writes it, {@code %24.cid} as Node and C do); the message the service should read is recorded as sent telemetry.
     */
    public void publishTelemetry(String actor, int qos) {
        String deviceId = w.device(actor).deviceId();
        String mid = "mqtt-" + UUID.randomUUID();
        String body = "{\"from\":\"mqtt\",\"mid\":\"" + mid + "\"}";
        String topic = "devices/" + deviceId + "/messages/events/$.mid=" + mid + "&%24.cid=c-" + mid
                + "&$.ct=application%2Fjson&$.ce=utf-8&color=dark%20blue&site=hall%203%2Fnorth";
        Message expected = Proton.message();
        Properties p = new Properties();
        p.setMessageId(mid);
        p.setCorrelationId("c-" + mid);
        p.setContentType(Symbol.valueOf("application/json"));
        p.setContentEncoding(Symbol.valueOf("utf-8"));
        expected.setProperties(p);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("color", "dark blue");
        app.put("site", "hall 3/north");
        expected.setApplicationProperties(new ApplicationProperties(app));
        expected.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        w.links().sentTelemetry.add(expected);
        publish(actor, topic, body.getBytes(StandardCharsets.UTF_8), qos);
    }

    /** Publishes and waits for the PUBACK (QoS 1); a failure is kept for the checks. */
    public void publish(String actor, String topic, byte[] payload, int qos) {
        lastFailure = null;
        try {
            device(actor).client.publish(w.expand(topic), payload, qos, false);
        } catch (MqttException e) {
            lastFailure = e;
        }
    }

    public void expectPuback() {
        w.verdicts.expect(lastFailure == null, "the PUBLISH", "acknowledged (PUBACK)", lastFailure);
    }

    public void subscribe(String actor, String filter, int qos) {
        lastFailure = null;
        try {
            IMqttToken token = device(actor).client.subscribeWithResponse(w.expand(filter), qos);
            grantedQos = token.getGrantedQos()[0];
        } catch (MqttException e) {
            lastFailure = e;
        }
    }

    public void expectGranted(int qos) {
        w.verdicts.expectEqual("QoS granted in the SUBACK", qos, lastFailure != null ? lastFailure.toString() : grantedQos);
    }

    public void expectClosed(String actor) {
        expectLost(device(actor), actor + "'s MQTT connection");
    }

    public void expectFirstClosed(String actor) {
        w.verdicts.expect(!replaced.isEmpty(), "an earlier MQTT connection of " + actor, "present", "none");
        expectLost(replaced.get(replaced.size() - 1), actor + "'s first MQTT connection");
    }

    private void expectLost(Device d, String what) {
        Object observed;
        try {
            d.lost.get(CLOSE_SECONDS, TimeUnit.SECONDS);
            observed = "closed";
        } catch (TimeoutException e) {
            observed = "still open after " + CLOSE_SECONDS + " s";
        } catch (Exception e) {
            observed = e.toString();
        }
        w.verdicts.expectEqual(what, "closed", observed);
    }

    public void expectOpen(String actor) {
        w.verdicts.expect(device(actor).client.isConnected() && !device(actor).lost.isDone(), actor + "'s MQTT connection", "open", "closed");
    }

    /** The next message on the actor's connection, whatever its topic. */
    public void receive(String actor) throws InterruptedException {
        lastReceived = device(actor).inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        w.verdicts.expect(lastReceived != null, "a PUBLISH from the hub to " + actor, "within " + WAIT_SECONDS + " s", "none");
    }

    /** The C2D message the service sent, on the device's devicebound topic, its properties in the bag. */
    public void expectCloudToDeviceTopic(String actor) {
        String prefix = "devices/" + w.device(actor).deviceId() + "/messages/devicebound/";
        String topic = lastReceived[0];
        w.verdicts.expect(topic.startsWith(prefix), "the topic", "starting " + prefix, topic);
        Map<String, String> bag = new LinkedHashMap<>();
        String rest = topic.substring(Math.min(topic.length(), prefix.length()));
        for (String pair : rest.split("&")) {
            int eq = pair.indexOf('=');
            w.verdicts.expect(eq > 0, "each property of the bag", "key=value (the Java SDK cannot read a bare key)", pair);
            bag.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        w.verdicts.expect(rest.startsWith("%24."), "the bag", "starting with a %24. system property (Java parses from the first %24)", rest);
        Message sent = w.c2d().sentC2d;
        w.verdicts.expectEqual("$.mid in the bag", String.valueOf(sent.getMessageId()), bag.get("$.mid"));
        w.verdicts.expectEqual("$.to in the bag", "/devices/" + w.device(actor).deviceId() + "/messages/devicebound", bag.get("$.to"));
        sent.getApplicationProperties().getValue().forEach((k, v) -> {
            if (!k.equals("iothub-ack")) {
                w.verdicts.expectEqual("application property " + k + " in the bag", String.valueOf(v), bag.get(k));
            }
        });
    }

    public void expectTopic(String expected) {
        w.verdicts.expectEqual("topic of the hub's PUBLISH", w.expand(expected), lastReceived[0]);
    }

    public void expectTopicMatching(String regex) {
        w.verdicts.expect(lastReceived[0].matches(regex), "topic of the hub's PUBLISH", "matching " + regex, lastReceived[0]);
    }

    public void expectBodyContains(String text) {
        w.verdicts.expect(lastReceived[1].contains(text), "body of the hub's PUBLISH", "containing " + text, lastReceived[1]);
    }

    void close() {
        devices.values().forEach(MqttChecks::close);
        replaced.forEach(MqttChecks::close);
    }

    private static void close(Device d) {
        try {
            if (d.client.isConnected()) {
                d.client.disconnectForcibly(0, 0, false);
            }
            d.client.close(true);
        } catch (MqttException ignored) {
            // already gone
        }
    }
}
