package dev.hubsim.mqtt;

import com.azure.core.util.IterableStream;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.ExportedTrust;
import dev.hubsim.testing.LostTwinAnswers;
import dev.hubsim.testing.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Azure IoT Java device SDK 2.5.0 over MQTT (TLS on 8883) and MQTT over WebSockets (443), configured only with
 * the connection strings and the exported trust: telemetry read back by the azure-messaging-eventhubs client over the
 * Event Hub-compatible endpoint (5671), and cloud-to-device messages from the service SDK over AMQPS with the feedback
 * the service asked for. The SDKs hard-code 5671, 8883 and 443: this class runs with the other fixed-port classes, one
 * at a time (surefire runs classes in sequence).
 */
class MqttSdkTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(HubSimulator.SDK_AMQPS_PORT)
            .httpsPort(HubSimulator.SDK_HTTPS_PORT).mqttsPort(HubSimulator.SDK_MQTTS_PORT)
            .configure(b -> b.cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200))))
            .build();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static SSLContext previousDefault;

    /** The Event Hubs client trusts only the JVM default SSLContext (real-clients.md §4.4). */
    @BeforeAll
    static void trustTheSimulator() throws Exception {
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(ExportedTrust.sslContext(HUB.simulator().info()));
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    static DeviceClient device(SimulatorInfo.DeviceEntry device, IotHubClientProtocol protocol) throws Exception {
        return new DeviceClient(device.connectionString(), protocol,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(HUB.simulator().info())).build());
    }

    @Test
    void mqttTelemetryIsReadBackOverTheEventHubEndpointWithItsPropertiesAndStamp() throws Exception {
        telemetryRoundTrip(IotHubClientProtocol.MQTT, HUB.simulator().info().devices().get(0));
    }

    @Test
    void mqttOverWebSocketsTelemetryIsReadBackOverTheEventHubEndpoint() throws Exception {
        telemetryRoundTrip(IotHubClientProtocol.MQTT_WS, HUB.simulator().info().devices().get(1));
    }

    private void telemetryRoundTrip(IotHubClientProtocol protocol, SimulatorInfo.DeviceEntry device) throws Exception {
        String marker = protocol + "-" + UUID.randomUUID();
        DeviceClient client = device(device, protocol);
        Message message = new Message(marker);
        message.setMessageId("mid-" + marker);
        message.setCorrelationId("cid-" + marker);
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setProperty("temperature", "21.5");
        message.setProperty("site", "hall 3/north");
        try {
            client.open(true);
            client.sendEvent(message);
        } finally {
            client.close();
        }

        EventData event = readBack(marker);
        assertEquals("mid-" + marker, event.getMessageId());
        assertEquals("cid-" + marker, event.getCorrelationId());
        assertEquals("application/json", event.getContentType());
        assertEquals("21.5", event.getProperties().get("temperature"));
        assertEquals("hall 3/north", event.getProperties().get("site"));
        assertEquals(device.deviceId(), event.getSystemProperties().get("iothub-connection-device-id"));
        assertEquals("Telemetry", event.getSystemProperties().get("iothub-message-source"));
        assertNotNull(event.getSystemProperties().get("iothub-enqueuedtime"));
    }

    /**
     * The one event with this body, from whichever partition holds it: every event each partition holds is read (as
     * many as its properties count), so the read ends when the last one is in, the timeout only a bound.
     */
    private static EventData readBack(String body) {
        SimulatorInfo info = HUB.simulator().info();
        EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(info.eventHubConnectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient();
        try {
            List<EventData> found = new ArrayList<>();
            for (String partition : info.eventHubPartitionIds()) {
                PartitionProperties held = consumer.getPartitionProperties(partition);
                if (held.isEmpty()) {
                    continue;
                }
                int count = Math.toIntExact(held.getLastEnqueuedSequenceNumber() - held.getBeginningSequenceNumber() + 1);
                IterableStream<PartitionEvent> events = consumer.receiveFromPartition(partition, count, EventPosition.earliest(), TIMEOUT);
                List<PartitionEvent> read = events.stream().toList();
                assertEquals(count, read.size(), "events read from partition " + partition + " of the " + count + " it holds");
                for (PartitionEvent e : read) {
                    if (e.getData().getBodyAsString().equals(body)) {
                        found.add(e.getData());
                    }
                }
            }
            assertEquals(1, found.size(), "exactly one stored copy of '" + body + "'");
            return found.get(0);
        } finally {
            consumer.close();
        }
    }

    /** Well above the hub's answer time (milliseconds on loopback), well below the SDK's default 60 s. */
    private static final int TWIN_TIMEOUT_MS = 15_000;

    /** Twin requests the device published ({@code $iothub/twin/GET|PATCH/...}) or the hub's answers ({@code $iothub/twin/res/...}). */
    private static long twinPublishes(String deviceId, boolean requests) {
        return HUB.simulator().traces().query().identity(deviceId).type(dev.hubsim.trace.TraceRecord.FrameType.MQTT_PUBLISH)
                .direction(requests ? dev.hubsim.trace.TraceRecord.Direction.IN : dev.hubsim.trace.TraceRecord.Direction.OUT).list().stream()
                .filter(r -> r.path() != null && r.path().startsWith("$iothub/twin/") && (requests != r.path().startsWith("$iothub/twin/res/")))
                .count();
    }

    @Test
    void theDeviceSdkReadsItsTwinAndPatchesItsReportedPropertiesOverMqtt() throws Exception {
        SimulatorInfo.DeviceEntry device = HUB.simulator().info().devices().get(1);
        DeviceClient client = device(device, IotHubClientProtocol.MQTT);
        try {
            client.open(true);
            client.subscribeToDesiredProperties((twin, context) -> { }, null);
            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "2.0.1");
            BooleanSupplier everyTwinRequestAnswered = () -> twinPublishes(device.deviceId(), false) >= twinPublishes(device.deviceId(), true);
            ReportedPropertiesUpdateResponse response = LostTwinAnswers.call(() -> client.updateReportedProperties(reported, TWIN_TIMEOUT_MS),
                    everyTwinRequestAnswered);
            assertNotNull(response.getVersion(), "the new reported $version");
            Twin twin;
            try {
                twin = LostTwinAnswers.call(() -> client.getTwin(TWIN_TIMEOUT_MS), everyTwinRequestAnswered);
            } catch (Exception e) {
                throw new AssertionError("getTwin failed; the hub's MQTT trace of " + device.deviceId() + ":\n"
                        + HUB.simulator().traces().query().identity(device.deviceId()).list().stream()
                        .map(dev.hubsim.trace.TraceRecord::toText).collect(java.util.stream.Collectors.joining("\n")), e);
            }
            assertTrue(twinPublishes(device.deviceId(), true) >= 2 && everyTwinRequestAnswered.getAsBoolean(),
                    "the trace shows the twin requests and their answers (what a retry for the SDK's lost answer relies on)");
            assertEquals("2.0.1", twin.getReportedProperties().get("firmware"));
            assertEquals(response.getVersion(), twin.getReportedProperties().getVersion());
        } finally {
            client.close();
        }
    }

    @Test
    void aDesiredChangeReachesTheDeviceSdkOverMqtt() throws Exception {
        SimulatorInfo.DeviceEntry device = HUB.simulator().info().devices().get(0);
        DeviceClient client = device(device, IotHubClientProtocol.MQTT);
        BlockingQueue<Twin> pushes = new ArrayBlockingQueue<>(4);
        try {
            client.open(true);
            client.subscribeToDesiredProperties((twin, context) -> pushes.add(twin), null);
            Waits.until("the device subscribed to desired changes", () -> HUB.simulator().twins().subscribers(device.deviceId()) > 0);
            long version = HUB.simulator().twins().patchDesired(device.deviceId(), "{\"interval\":30}").desiredVersion();
            Twin pushed = pushes.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            while (pushed != null && !pushed.getDesiredProperties().containsKey("interval")) {
                pushed = pushes.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // a callback the SDK made before the change
            }
            assertNotNull(pushed, "the desired change was pushed");
            assertEquals(30, ((Number) pushed.getDesiredProperties().get("interval")).intValue());
            assertEquals(version, pushed.getDesiredProperties().getVersion().longValue());
        } finally {
            client.close();
        }
    }

    /**
     * An AMQP service talking to an MQTT device: the service SDK's messages arrive with their properties, and every
     * result the device's callback returns completes the message (the SDK acknowledges over MQTT whatever the result,
     * MqttIotHubConnection.sendMessageResult), so the service gets Success feedback for all three.
     */
    @Test
    void theServiceSdkReachesAnMqttDeviceAndGetsFeedbackForEveryResult() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(2);
        String serviceConnectionString = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        BlockingQueue<Message> received = new ArrayBlockingQueue<>(8);
        DeviceClient deviceClient = device(device, IotHubClientProtocol.MQTT);
        deviceClient.setMessageCallback((msg, context) -> {
            String body = new String(msg.getBytes(), StandardCharsets.UTF_8);
            deliveries.merge(body, 1, Integer::sum);
            received.add(msg);
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
                }, MessageFeedbackProcessorClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        MessagingClient service = new MessagingClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        Map<String, String> idsByBody = new ConcurrentHashMap<>();
        try {
            deviceClient.open(true);
            feedback.start();
            service.open();
            for (String body : List.of("complete me", "reject me", "abandon me")) {
                com.microsoft.azure.sdk.iot.service.messaging.Message c2d = new com.microsoft.azure.sdk.iot.service.messaging.Message(body);
                c2d.setMessageId("sdk-" + UUID.randomUUID());
                c2d.setCorrelationId("corr-" + body.replace(' ', '-'));
                c2d.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
                c2d.getProperties().put("color", "dark blue");
                idsByBody.put(body, c2d.getMessageId());
                service.send(device.deviceId(), c2d);
            }
            assertTrue(allFeedback.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "feedback for all three messages; got " + feedbackByMessageId);
        } finally {
            service.close();
            feedback.stop();
            deviceClient.close();
        }
        for (String body : List.of("complete me", "reject me", "abandon me")) {
            assertEquals(FeedbackStatusCode.success, feedbackByMessageId.get(idsByBody.get(body)), body);
            assertEquals(1, deliveries.get(body), body + " delivered once");
        }
        Message first = received.stream().filter(m -> new String(m.getBytes(), StandardCharsets.UTF_8).equals("complete me")).findFirst().orElseThrow();
        assertEquals(idsByBody.get("complete me"), first.getMessageId());
        assertEquals("corr-complete-me", first.getCorrelationId());
        assertEquals("dark blue", first.getProperty("color"));
        Waits.until("the device queue is empty", () -> HUB.simulator().cloudToDevice().depth(device.deviceId()) == 0);
    }
}
