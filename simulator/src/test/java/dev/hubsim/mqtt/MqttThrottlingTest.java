package dev.hubsim.mqtt;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.throttling.Operation;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throttling over MQTT with Paho: a throttled twin request is answered on {@code $iothub/twin/res/429/?$rid=...} with
 * IoT Hub's code (reference/iothub-twin-methods-mqtt.md §7.2) and the next one is served; a throttled telemetry PUBLISH,
 * which MQTT cannot refuse, closes the connection without a PUBACK.
 */
class MqttThrottlingTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    private static MqttClient connected(String deviceId, BlockingQueue<String[]> inbox, CompletableFuture<Throwable> lost) throws Exception {
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + hub().mqttsPort(), deviceId, new MemoryPersistence());
        client.setTimeToWait(30_000); // Paho waits for ever by default: a lost token fails the test instead of hanging the build
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
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(hub().hub().primaryHostName() + "/" + deviceId + "/?api-version=2021-04-12");
        o.setPassword(hub().deviceToken(deviceId, Duration.ofHours(1)).toCharArray());
        o.setSocketFactory(hub().tls().clientContext().getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(false);
        o.setAutomaticReconnect(false);
        client.connect(o);
        return client;
    }

    @Test
    void aThrottledTwinRequestIsAnswered429AndTheNextIsServed() throws Exception {
        BlockingQueue<String[]> inbox = new ArrayBlockingQueue<>(8);
        MqttClient client = connected("device1", inbox, new CompletableFuture<>());
        try {
            client.subscribe("$iothub/twin/res/#", 1);
            hub().faults().throttleNext("device1", Operation.TWIN_READ, 1);
            client.publish("$iothub/twin/GET/?$rid=t1", new byte[0], 1, false);
            String[] got = inbox.poll(20, TimeUnit.SECONDS);
            assertNotNull(got, "the throttled GET is answered");
            assertEquals("$iothub/twin/res/429/?$rid=t1", got[0]);
            assertTrue(got[1].contains("\"errorCode\":429001"), got[1]);
            client.publish("$iothub/twin/GET/?$rid=t2", new byte[0], 1, false);
            got = inbox.poll(20, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals("$iothub/twin/res/200/?$rid=t2", got[0]);
            assertEquals(1, hub().throttling().throttled("device1", Operation.TWIN_READ));
        } finally {
            client.disconnectForcibly(0, 0, false);
            client.close(true);
        }
    }

    @Test
    void aThrottledTelemetryPublishClosesTheConnectionWithoutAPuback() throws Exception {
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        MqttClient client = connected("device2", new ArrayBlockingQueue<>(8), lost);
        try {
            hub().faults().throttleNext("device2", Operation.D2C_SEND, 1);
            CompletableFuture.runAsync(() -> {
                try {
                    client.publish("devices/device2/messages/events/", "over the rate".getBytes(StandardCharsets.UTF_8), 1, false);
                } catch (org.eclipse.paho.client.mqttv3.MqttException expected) {
                    // the connection closes before any PUBACK
                }
            });
            assertNotNull(lost.get(20, TimeUnit.SECONDS), "the hub closed the connection");
            assertEquals(0, hub().telemetry("device2").size(), "nothing stored");
            assertEquals(1, hub().throttling().throttled("device2", Operation.D2C_SEND));
        } finally {
            client.close(true);
        }
    }
}
