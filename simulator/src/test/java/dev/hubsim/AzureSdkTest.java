package dev.hubsim;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Azure IoT Java device SDK 2.5.0 and service SDK 2.1.9 over AMQPS against the simulator, configured only with
 * what the simulator prints: connection strings and the exported trust store. Both SDKs hard-code port 5671.
 */
class AzureSdkTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(HubSimulator.SDK_AMQPS_PORT)
            .httpsPort(HubSimulator.SDK_HTTPS_PORT)
            .configure(b -> b.cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200))))
            .build();

    static SSLContext exportedTrust(SimulatorInfo info) throws Exception {
        return ExportedTrust.sslContext(info);
    }

    /** A device SDK client that completes every cloud-to-device message and hands it to {@code inbox}. */
    private static DeviceClient openCompletingDevice(SimulatorInfo info, SimulatorInfo.DeviceEntry device, BlockingQueue<Message> inbox) throws Exception {
        DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(exportedTrust(info)).build());
        client.setMessageCallback((msg, context) -> {
            inbox.add(msg);
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(true);
        return client;
    }

    @Test
    void theDeviceSdkSendsTelemetryThatTheHubStoresWithItsAnnotations() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        String connectionString = info.devices().get(0).connectionString();
        String deviceId = info.devices().get(0).deviceId();
        String marker = "sdk-" + UUID.randomUUID();

        // README:begin device-sdk-example
        SSLContext trust = exportedTrust(info); // the simulator's CA, from the exported trust store
        DeviceClient client = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(trust).build());
        client.open(true);
        Message message = new Message(marker);
        message.setProperty("temperature", "21.5");
        client.sendEvent(message);
        client.close();
        // README:end device-sdk-example

        List<RecordedTelemetry> stored = HUB.simulator().telemetry(deviceId).stream()
                .filter(t -> new String(t.body(), StandardCharsets.UTF_8).equals(marker)).toList();
        assertEquals(1, stored.size(), "exactly one stored copy of the SDK's message");
        RecordedTelemetry t = stored.get(0);
        assertEquals(deviceId, t.annotations().get("iothub-connection-device-id"));
        assertEquals("Telemetry", t.annotations().get("iothub-message-source"));
        assertEquals(HUB.simulator().hub().registry().device(deviceId).orElseThrow().generationId(),
                t.annotations().get("iothub-connection-auth-generation-id"));
        assertEquals("21.5", t.applicationProperties().get("temperature"));
        assertEquals(message.getMessageId(), t.message().getMessageId());
    }

    @Test
    void theDeviceSdkSendsTelemetryOverWebSocketsOnTheSharedHttpsPort() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(1);
        String marker = "ws-" + UUID.randomUUID();
        DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS_WS,
                ClientOptions.builder().sslContext(exportedTrust(info)).build());
        try {
            client.open(true);
            client.sendEvent(new Message(marker));
        } finally {
            client.close();
        }
        RecordedTelemetry stored = HUB.simulator().telemetry(device.deviceId()).stream()
                .filter(t -> new String(t.body(), StandardCharsets.UTF_8).equals(marker)).findFirst().orElseThrow();
        assertEquals(device.deviceId(), stored.annotations().get("iothub-connection-device-id"));
        assertEquals(HubSimulator.SDK_HTTPS_PORT, info.ports().get("websocket"));
    }

    @Test
    void theServiceSdkSendsACloudToDeviceMessageThatTheDeviceSdkReceives() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(2);
        String serviceConnectionString = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
        BlockingQueue<Message> received = new ArrayBlockingQueue<>(4);
        DeviceClient deviceClient = openCompletingDevice(info, device, received);
        MessagingClient service = new MessagingClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(exportedTrust(info)).build());
        try {
            service.open();
            com.microsoft.azure.sdk.iot.service.messaging.Message c2d = new com.microsoft.azure.sdk.iot.service.messaging.Message("from the service SDK");
            c2d.setMessageId("svc-" + UUID.randomUUID());
            service.send(device.deviceId(), c2d);

            Message got = received.poll(AmqpTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(got, "the device SDK's message callback ran");
            assertEquals("from the service SDK", new String(got.getBytes(), StandardCharsets.UTF_8));
            assertEquals(c2d.getMessageId(), got.getMessageId());
        } finally {
            service.close();
            deviceClient.close();
        }
    }

    @Test
    void theServiceSdkGetsFeedbackForACompletedARejectedAndAnAbandonedUntilDeadLetteredMessage() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(0);
        String serviceConnectionString = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        DeviceClient deviceClient = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(exportedTrust(info)).build());
        deviceClient.setMessageCallback((msg, context) -> {
            String body = new String(msg.getBytes(), StandardCharsets.UTF_8);
            deliveries.merge(body, 1, Integer::sum);
            return switch (body) {
                case "complete me" -> IotHubMessageResult.COMPLETE;
                case "reject me" -> IotHubMessageResult.REJECT;
                default -> IotHubMessageResult.ABANDON;
            };
        }, null);
        Map<String, FeedbackStatusCode> feedbackByMessageId = new ConcurrentHashMap<>();
        CountDownLatch allFeedback = new CountDownLatch(3);
        MessageFeedbackProcessorClient feedback = new MessageFeedbackProcessorClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
                batch -> {
                    batch.getRecords().forEach(r -> {
                        if (feedbackByMessageId.put(r.getOriginalMessageId(), r.getStatusCode()) == null) {
                            allFeedback.countDown();
                        }
                    });
                    return AcknowledgementType.COMPLETE;
                }, MessageFeedbackProcessorClientOptions.builder().sslContext(exportedTrust(info)).build());
        MessagingClient service = new MessagingClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(exportedTrust(info)).build());
        Map<String, String> idsByBody = new HashMap<>();
        try {
            deviceClient.open(true);
            feedback.start();
            service.open();
            for (String body : List.of("complete me", "reject me", "abandon me")) {
                com.microsoft.azure.sdk.iot.service.messaging.Message c2d = new com.microsoft.azure.sdk.iot.service.messaging.Message(body);
                c2d.setMessageId("sdk-" + UUID.randomUUID());
                c2d.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
                idsByBody.put(body, c2d.getMessageId());
                service.send(device.deviceId(), c2d);
            }
            assertTrue(allFeedback.await(30, TimeUnit.SECONDS), "feedback for all three messages; got " + feedbackByMessageId);
        } finally {
            service.close();
            feedback.stop();
            deviceClient.close();
        }
        // The SDK maps statusCode strings it does not know to 'unknown', so these also check our spelling.
        assertEquals(FeedbackStatusCode.success, feedbackByMessageId.get(idsByBody.get("complete me")));
        assertEquals(FeedbackStatusCode.rejected, feedbackByMessageId.get(idsByBody.get("reject me")));
        assertEquals(FeedbackStatusCode.deliveryCountExceeded, feedbackByMessageId.get(idsByBody.get("abandon me")));
        assertEquals(1, deliveries.get("complete me"));
        assertEquals(1, deliveries.get("reject me"));
        assertEquals(C2dSettings.hubDefaults().maxDeliveryCount(), deliveries.get("abandon me"), "delivered until the maximum delivery count");
    }

    @Test
    void theDeviceSdkReceivesACloudToDeviceMessagePutOnTheServiceLink() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(1);
        BlockingQueue<Message> received = new ArrayBlockingQueue<>(4);
        DeviceClient client = openCompletingDevice(info, device, received);
        try (AmqpTestClient service = AmqpTestClient.tls(HUB.simulator().amqpsPort(), exportedTrust(info), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(service).putToken(UUID.randomUUID(), info.hostName(), HUB.simulator().policyToken("service", Duration.ofMinutes(10)));
            Sender outbox = service.sender(service.session(), "sender", "/messages/devicebound");
            org.apache.qpid.proton.message.Message c2d = Proton.message();
            c2d.setMessageId("c2d-" + UUID.randomUUID());
            c2d.setAddress("/devices/" + device.deviceId() + "/messages/devicebound");
            c2d.setBody(new Data(AmqpTestClient.binary("reboot")));
            assertInstanceOf(Accepted.class, service.send(outbox, c2d));

            Message got = received.poll(AmqpTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(got, "the device SDK's message callback ran");
            assertEquals("reboot", new String(got.getBytes(), StandardCharsets.UTF_8));
            assertEquals(c2d.getMessageId(), got.getMessageId());
        } finally {
            client.close();
        }
    }
}
