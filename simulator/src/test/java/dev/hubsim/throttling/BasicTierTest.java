package dev.hubsim.throttling;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A B1 hub: telemetry flows, cloud-to-device, twin and method links are refused as a basic tier lacks them (403010);
 * over MQTT those subscriptions fail (SUBACK 0x80) while the connection goes on serving telemetry.
 */
class BasicTierTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().tier(Tier.B1, 1).build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    @Test
    void telemetryFlowsAndCloudToDeviceIsRefusedOnBothEnds() throws Exception {
        try (AmqpTestClient device = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen();
             AmqpTestClient service = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
            Sender events = device.sender(device.session(), "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(AmqpTestClient.binary("basic")));
            assertInstanceOf(Accepted.class, device.send(events, m));

            Receiver inbox = device.receiver(device.session(), "c2d", "/devices/device1/messages/devicebound", 10);
            ErrorCondition refused = device.awaitClosed(inbox);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), refused.getCondition());
            assertTrue(refused.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): cloud-to-device sends"), refused.getDescription());

            Receiver methods = device.receiver(device.session(), "methods", "/devices/device1/methods/devicebound", 10);
            ErrorCondition noMethods = device.awaitClosed(methods);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), noMethods.getCondition());
            assertTrue(noMethods.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): direct methods"), noMethods.getDescription());

            Sender twin = device.sender(device.session(), "twin", "/devices/device1/twin",
                    java.util.Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "twin:" + UUID.randomUUID()));
            ErrorCondition noTwin = device.awaitClosed(twin);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), noTwin.getCondition());
            assertTrue(noTwin.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): twin reads"), noTwin.getDescription());

            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub().policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "s", "/messages/devicebound");
            assertEquals(Symbol.valueOf("amqp:not-allowed"), service.awaitClosed(outbox).getCondition());
            assertEquals("tier B1 x 1 unit", hub().throttling().settings().describe());
        }
    }

    @Test
    void overMqttTheFeatureSubscriptionsFailAndTelemetryIsStillServed() throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                "ssl://127.0.0.1:" + hub().mqttsPort(), "device1", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        client.setTimeToWait(20_000);
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(hub().hub().primaryHostName() + "/device1/?api-version=2021-04-12");
        o.setPassword(hub().deviceToken("device1", Duration.ofHours(1)).toCharArray());
        o.setSocketFactory(hub().tls().clientContext().getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(false);
        o.setAutomaticReconnect(false);
        client.connect(o);
        try {
            for (String topic : new String[]{"devices/device1/messages/devicebound/#", "$iothub/methods/POST/#", "$iothub/twin/PATCH/properties/desired/#"}) {
                org.eclipse.paho.client.mqttv3.MqttException failed = org.junit.jupiter.api.Assertions.assertThrows(
                        org.eclipse.paho.client.mqttv3.MqttException.class, () -> client.subscribe(topic, 1), topic);
                assertEquals(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_SUBSCRIBE_FAILED, failed.getReasonCode(), topic);
            }
            assertTrue(client.isConnected(), "a refused subscription leaves the connection open");
            client.subscribe("$iothub/twin/res/#", 1); // granted: the tier's 403010 answers come on it
            String marker = "basic-mqtt-" + UUID.randomUUID();
            client.publish("devices/device1/messages/events/", marker.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false);
            assertTrue(hub().telemetry("device1").stream().anyMatch(t -> new String(t.body(), java.nio.charset.StandardCharsets.UTF_8).equals(marker)),
                    "QoS 1 telemetry is stored before its PUBACK");
        } finally {
            client.disconnectForcibly(0, 0, false);
            client.close(true);
        }
    }
}
