package dev.hubsim.mqtt;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.faults.Scope;
import dev.hubsim.testing.Waits;
import dev.hubsim.throttling.Operation;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT face with Eclipse Paho 1.2.5 (the MQTT library the Java device SDK pins) over TLS on a free port: CONNECT as
 * IoT Hub (CONNACK 5 for every refusal), telemetry with property bags into the same ingest as AMQP, cloud-to-device
 * with the properties in the topic, and the connection closed on bad input while other clients keep being served.
 */
class MqttFaceTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().hub(new HubConfig("simhub", null, List.of(
            new HubConfig.DeviceSpec("d1", null, null, null),
            new HubConfig.DeviceSpec("d2", null, null, null),
            new HubConfig.DeviceSpec("parked", null, null, DeviceStatus.DISABLED)), null))
            .configure(b -> b.cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200)))).build();
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 0, false);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // already gone
            }
        }
    }

    static String userName(HubSimulator hub, String clientId) {
        return hub.hub().primaryHostName() + "/" + clientId + "/?api-version=2021-04-12";
    }

    MqttClient client(String clientId) throws MqttException {
        HubSimulator hub = HUB.simulator();
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + hub.mqttsPort(), clientId, new MemoryPersistence());
        // Paho waits for ever by default; a token lost with its connection would hang the build instead of failing a test.
        client.setTimeToWait(TIMEOUT.toMillis());
        clients.add(client);
        return client;
    }

    MqttConnectOptions options(String userName, String password) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setUserName(userName);
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        o.setSocketFactory(HUB.simulator().tls().clientContext().getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(false);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout((int) TIMEOUT.toSeconds());
        return o;
    }

    MqttClient connected(String deviceId) throws Exception {
        HubSimulator hub = HUB.simulator();
        MqttClient client = client(deviceId);
        client.connect(options(userName(hub, deviceId), hub.deviceToken(deviceId, Duration.ofHours(1))));
        return client;
    }

    /** Completes when the hub closes the client's connection. */
    static CompletableFuture<Throwable> lost(MqttClient client, BlockingQueue<String[]> inbox) {
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.complete(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.add(new String[]{topic, new String(message.getPayload(), StandardCharsets.UTF_8)});
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        return lost;
    }

    @Test
    void telemetryWithAPropertyBagIsStampedAndStoredWithItsProperties() throws Exception {
        MqttClient client = connected("d1");
        String marker = "mqtt-" + UUID.randomUUID();
        // Java writes $.mid literally, Node and C %24.mid: both are the message id.
        client.publish("devices/d1/messages/events/$.mid=m-1&%24.cid=c-1&$.ct=application%2Fjson&$.ce=utf-8&temp=21.5&note=a%20b",
                marker.getBytes(StandardCharsets.UTF_8), 1, false);

        RecordedTelemetry t = stored("d1", marker);
        assertEquals("m-1", t.message().getMessageId());
        assertEquals("c-1", t.message().getCorrelationId());
        assertEquals("application/json", t.message().getContentType());
        assertEquals("utf-8", t.message().getContentEncoding());
        assertEquals(Map.of("temp", "21.5", "note", "a b"), t.applicationProperties());
        assertEquals("d1", t.annotations().get("iothub-connection-device-id"));
        assertEquals("Telemetry", t.annotations().get("iothub-message-source"));
        assertEquals(HUB.simulator().hub().registry().device("d1").orElseThrow().generationId(), t.annotations().get("iothub-connection-auth-generation-id"));
        assertNotNull(t.annotations().get("x-opt-sequence-number"));
    }

    @Test
    void qosZeroAndRetainAreStoredTooTheRetainFlagAsMqttRetain() throws Exception {
        MqttClient client = connected("d1");
        String marker = "retained-" + UUID.randomUUID();
        client.publish("devices/d1/messages/events/", marker.getBytes(StandardCharsets.UTF_8), 0, true);
        RecordedTelemetry t = stored("d1", marker);
        assertEquals("true", t.applicationProperties().get("mqtt-retain"));
    }

    @Test
    void everyRefusedConnectGetsReturnCodeFive() throws Exception {
        HubSimulator hub = HUB.simulator();
        String good = hub.deviceToken("d1", Duration.ofHours(1));
        assertEquals(5, refusal("d1", userName(hub, "d1"), good.replace("sig=", "sig=x")), "bad signature");
        assertEquals(5, refusal("d1", userName(hub, "d2"), good), "client id not the user name's");
        assertEquals(5, refusal("d2", userName(hub, "d2"), good), "d1's token for d2");
        assertEquals(5, refusal("nobody", userName(hub, "nobody"), good), "unknown device");
        assertEquals(5, refusal("parked", userName(hub, "parked"), hub.deviceToken("parked", Duration.ofHours(1))), "disabled device");
        assertEquals(5, refusal("d1", userName(hub, "d1"), null), "no password");
        assertEquals(5, refusal("d1", "other.example.com/d1/?api-version=2021-04-12", good), "another hub's host");
        // and with the right answers the same client connects
        MqttClient ok = client("d1");
        ok.connect(options(userName(hub, "d1"), good));
        assertTrue(ok.isConnected());
    }

    private int refusal(String clientId, String userName, String password) throws Exception {
        MqttClient client = client(clientId);
        MqttException e = assertThrows(MqttException.class, () -> client.connect(options(userName, password)));
        return e.getReasonCode();
    }

    @Test
    void cloudToDeviceMessagesArriveWithTheirPropertiesInTheTopicAndPubackCompletesThem() throws Exception {
        HubSimulator hub = HUB.simulator();
        MqttClient client = connected("d2");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(8);
        lost(client, inbox);
        client.subscribe("devices/d2/messages/devicebound/#", 1);
        hub.cloudToDevice().send("d2", "to the device".getBytes(StandardCharsets.UTF_8), Map.of("color", "dark blue", "iothub-ack", "full"));

        String[] got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got, "the C2D message arrived");
        assertEquals("to the device", got[1]);
        String bag = got[0].substring("devices/d2/messages/devicebound/".length());
        assertTrue(bag.startsWith("%24.mid="), bag);
        assertTrue(bag.contains("&%24.to=%2Fdevices%2Fd2%2Fmessages%2Fdevicebound"), bag);
        assertTrue(bag.contains("&iothub-ack=full"), bag);
        assertTrue(bag.endsWith("&color=dark%20blue"), bag);
        // Paho acknowledges after messageArrived returns: the PUBACK completes the message and asks for feedback.
        Waits.until("the message completed", () -> hub.cloudToDevice().depth("d2") == 0);
        Waits.until("positive feedback", () -> hub.cloudToDevice().feedbackWaiting() > 0);
    }

    @Test
    void aPublishToAnotherDevicesTopicClosesOnlyThatConnection() throws Exception {
        MqttClient bystander = connected("d2");
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        try {
            client.publish("devices/d2/messages/events/", "spoof".getBytes(StandardCharsets.UTF_8), 0, false);
        } catch (MqttException closedWhileWriting) {
            // The hub may close the connection before Paho completes the QoS 0 token; the loss below is what counts.
        }
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(HUB.simulator().telemetry("d2").stream().noneMatch(t -> new String(t.body(), StandardCharsets.UTF_8).equals("spoof")));
        String marker = "still-served-" + UUID.randomUUID();
        bystander.publish("devices/d2/messages/events/", marker.getBytes(StandardCharsets.UTF_8), 1, false);
        stored("d2", marker);
    }

    @Test
    void aSubscribeToAnotherDevicesMessagesClosesTheConnection() throws Exception {
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        assertThrows(MqttException.class, () -> client.subscribe("devices/d2/messages/devicebound/#", 1));
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void qosTwoPublishClosesTheConnection() throws Exception {
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        assertThrows(MqttException.class, () -> client.publish("devices/d1/messages/events/", "two".getBytes(StandardCharsets.UTF_8), 2, false));
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(client.isConnected());
    }

    @Test
    void aSecondConnectionOfTheSameDeviceDropsTheFirst() throws Exception {
        MqttClient first = connected("d1");
        CompletableFuture<Throwable> lost = lost(first, new ArrayBlockingQueue<>(1));
        MqttClient second = connected("d1");
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(second.isConnected());
    }

    @Test
    void theConnectionClosesWhenItsTokenExpires() throws Exception {
        HubSimulator hub = HUB.simulator();
        MqttClient client = client("d1");
        // clock skew is 5 minutes by default: a token that expired 5 min - 2 s ago still has 2 s to live
        String token = hub.deviceToken("d1", Duration.ofSeconds(3).minus(Duration.ofMinutes(5)));
        client.connect(options(userName(hub, "d1"), token));
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        long t0 = System.nanoTime();
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(500), "closed at expiry, not at once");
    }

    @Test
    void throttlingRefusesAConnectWithServerUnavailableAndATwinReadWith429() throws Exception {
        HubSimulator hub = HUB.simulator();
        hub.faults().throttleNext("d2", Operation.CONNECT, 1);
        assertEquals(3, refusal("d2", userName(hub, "d2"), hub.deviceToken("d2", Duration.ofHours(1))), "throttled: retryable CONNACK 3");
        MqttClient client = connected("d2");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(4);
        lost(client, inbox);
        client.subscribe("$iothub/twin/res/#", 1);
        hub.faults().throttleNext("d2", Operation.TWIN_READ, 1);
        client.publish("$iothub/twin/GET/?$rid=t1", new byte[0], 1, false);
        String[] got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals("$iothub/twin/res/429/?$rid=t1", got[0]);
        assertTrue(got[1].contains("\"errorCode\":429"), got[1]);
    }

    @Test
    void faultsActOnMqttConnectionsAndTheTraceShowsTheirPackets() throws Exception {
        HubSimulator hub = HUB.simulator();
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        assertTrue(hub.connections().stream().anyMatch(c -> c.identities().contains("d1")), "listed for the control API");
        hub.faults().delayDispositions(Scope.device("d1"), Duration.ofMillis(800));
        long t0 = System.nanoTime();
        client.publish("devices/d1/messages/events/", "late".getBytes(StandardCharsets.UTF_8), 1, false);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(700), "the PUBACK waited for the delay");
        assertTrue(hub.faults().expireClaims(Scope.device("d1")) >= 1);
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "an expired claim closes an MQTT connection");
        List<dev.hubsim.trace.TraceRecord> publishes = hub.traces().query().identity("d1").type(dev.hubsim.trace.TraceRecord.FrameType.MQTT_PUBLISH).list();
        assertTrue(publishes.stream().anyMatch(r -> "devices/d1/messages/events/".equals(r.path())), publishes.toString());
    }

    @Test
    void aMessageOf256KbIsStoredAndOneByteMoreClosesTheConnection() throws Exception {
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        byte[] atLimit = new byte[256 * 1024 - "k=v".length()];
        java.util.Arrays.fill(atLimit, (byte) 'a');
        client.publish("devices/d1/messages/events/k=v", atLimit, 1, false);
        assertTrue(HUB.simulator().telemetry("d1").stream().anyMatch(t -> t.body().length == atLimit.length), "stored at the limit");
        byte[] over = new byte[atLimit.length + 1];
        assertThrows(MqttException.class, () -> client.publish("devices/d1/messages/events/k=v", over, 1, false));
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(HUB.simulator().telemetry("d1").stream().noneMatch(t -> t.body().length == over.length), "nothing stored over it");
    }

    @Test
    void aWillOnTheTelemetryTopicIsSentAsTelemetryWhenTheConnectionDropsWithoutDisconnect() throws Exception {
        HubSimulator hub = HUB.simulator();
        String marker = "will-" + UUID.randomUUID();
        MqttClient client = client("d2");
        MqttConnectOptions o = options(userName(hub, "d2"), hub.deviceToken("d2", Duration.ofHours(1)));
        o.setWill("devices/d2/messages/events/reason=gone", marker.getBytes(StandardCharsets.UTF_8), 1, false);
        client.connect(o);
        client.disconnectForcibly(0, 0, false); // the socket closes without DISCONNECT
        RecordedTelemetry will = stored("d2", marker);
        assertEquals("Will", will.applicationProperties().get("iothub-MessageType"));
        assertEquals("gone", will.applicationProperties().get("reason"));

        String clean = "no-will-" + UUID.randomUUID();
        MqttClient polite = client("d2");
        MqttConnectOptions p = options(userName(hub, "d2"), hub.deviceToken("d2", Duration.ofHours(1)));
        p.setWill("devices/d2/messages/events/", clean.getBytes(StandardCharsets.UTF_8), 1, false);
        polite.connect(p);
        polite.disconnect();
        String sentinel = "after-" + UUID.randomUUID();
        connected("d2").publish("devices/d2/messages/events/", sentinel.getBytes(StandardCharsets.UTF_8), 1, false);
        stored("d2", sentinel);
        assertTrue(hub.telemetry("d2").stream().noneMatch(t -> new String(t.body(), StandardCharsets.UTF_8).equals(clean)),
                "a DISCONNECT discards the will");
    }

    @Test
    void aDirectMethodReachesAnMqttDeviceAndItsAnswerReachesTheCaller() throws Exception {
        HubSimulator hub = HUB.simulator();
        MqttClient client = connected("d1");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(4);
        lost(client, inbox);
        client.subscribe("$iothub/methods/POST/#", 1);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> call = http.sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://127.0.0.1:" + hub.httpsPort() + "/twins/d1/methods?api-version=2021-04-12"))
                .header("Authorization", hub.policyToken("service", Duration.ofMinutes(10))).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":30,\"payload\":{\"delay\":3}}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        String[] request = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(request, "the method request arrived");
        assertTrue(request[0].matches("\\$iothub/methods/POST/reboot/\\?\\$rid=[0-9a-f-]{36}"), request[0]);
        assertEquals("{\"delay\":3}", request[1]);
        String rid = request[0].substring(request[0].indexOf("$rid=") + 5);
        client.publish("$iothub/methods/res/201/?$rid=" + rid, "{\"done\":true}".getBytes(StandardCharsets.UTF_8), 0, false);
        java.net.http.HttpResponse<String> response = call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"status\":201") && response.body().contains("\"done\":true"), response.body());
    }

    @Test
    void aDesiredChangeIsPushedWithItsVersionToASubscribedDevice() throws Exception {
        MqttClient client = connected("d1");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(4);
        lost(client, inbox);
        client.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
        dev.hubsim.twin.TwinState state = HUB.simulator().twins().patchDesired("d1", "{\"interval\":30}");
        String[] push = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(push, "the desired change was pushed");
        assertEquals("$iothub/twin/PATCH/properties/desired/?$version=" + state.desiredVersion(), push[0]);
        assertTrue(push[1].contains("\"interval\":30") && push[1].contains("\"$version\":" + state.desiredVersion()), push[1]);
    }

    @Test
    void twinGetAndReportedPatchAnswerOnTheResponseTopicWithRidFirstAndTheNewVersion() throws Exception {
        MqttClient client = connected("d2");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(8);
        lost(client, inbox);
        client.subscribe("$iothub/twin/res/#", 1);
        client.publish("$iothub/twin/GET/?$rid=r1", new byte[0], 1, false);
        String[] got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got, "GET answered");
        assertEquals("$iothub/twin/res/200/?$rid=r1", got[0]);
        assertTrue(got[1].contains("\"desired\"") && got[1].contains("\"reported\""), got[1]);

        client.publish("$iothub/twin/PATCH/properties/reported/?$rid=r2", "{\"fw\":\"1.2\"}".getBytes(StandardCharsets.UTF_8), 1, false);
        got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got, "PATCH answered");
        assertTrue(got[0].matches("\\$iothub/twin/res/204/\\?\\$rid=r2&\\$version=\\d+"), got[0]);

        client.publish("$iothub/twin/GET/?$rid=r3", new byte[0], 1, false);
        got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got);
        assertTrue(got[1].contains("\"fw\":\"1.2\""), "the GET after the patch shows it: " + got[1]);

        client.publish("$iothub/twin/PATCH/properties/reported/?$rid=r4", "{not json".getBytes(StandardCharsets.UTF_8), 1, false);
        got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals("$iothub/twin/res/400/?$rid=r4", got[0]);
        assertTrue(got[1].contains("\"errorCode\"") && got[1].contains("\"message\""), got[1]);
    }

    @Test
    void theJavaSdksTwinSequenceIsAnswered() throws Exception {
        MqttClient client = connected("d2");
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(8);
        lost(client, inbox);
        client.subscribe("$iothub/twin/res/#", 1);
        client.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
        String rid = UUID.randomUUID().toString();
        client.publish("$iothub/twin/PATCH/properties/reported/?$rid=" + rid, "{\"firmware\":\"2.0.1\"}".getBytes(StandardCharsets.UTF_8), 1, false);
        String[] got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got, "PATCH answered");
        String get = UUID.randomUUID().toString();
        client.publish("$iothub/twin/GET/?$rid=" + get, new byte[0], 1, false);
        got = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(got, "GET answered");
        assertEquals("$iothub/twin/res/200/?$rid=" + get, got[0]);
    }

    @Test
    void aTwinRequestWithoutRidClosesTheConnection() throws Exception {
        MqttClient client = connected("d1");
        CompletableFuture<Throwable> lost = lost(client, new ArrayBlockingQueue<>(1));
        client.subscribe("$iothub/twin/res/#", 1);
        assertThrows(MqttException.class, () -> client.publish("$iothub/twin/GET/", new byte[0], 1, false));
        assertNotNull(lost.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    private static RecordedTelemetry stored(String deviceId, String marker) {
        RecordedTelemetry[] found = new RecordedTelemetry[1];
        Waits.until("telemetry '" + marker + "' stored", () -> {
            List<RecordedTelemetry> all = HUB.simulator().telemetry(deviceId).stream()
                    .filter(t -> new String(t.body(), StandardCharsets.UTF_8).equals(marker)).toList();
            if (all.size() > 1) {
                throw new AssertionError("stored " + all.size() + " times");
            }
            found[0] = all.isEmpty() ? null : all.get(0);
            return found[0] != null;
        });
        return found[0];
    }
}
