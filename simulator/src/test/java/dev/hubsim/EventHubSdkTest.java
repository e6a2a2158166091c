package dev.hubsim;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.hubsim.config.HubConfig;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.EventHubs;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Sender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Telemetry sent by the real Azure IoT Java device SDK 2.5.0, read by the real azure-messaging-eventhubs 5.21 client
 * with nothing but the Event Hubs connection strings from the simulator's info and its exported trust (TLS on 5671,
 * and {@code UseDevelopmentEmulator=true} over plain AMQP on 5672). Partition ids and properties come from
 * {@code $management}. The Event Hubs client trusts only the JVM default SSLContext (real-clients.md §4.4), so this
 * class sets it to the exported trust and restores it afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventHubSdkTest {
    /** Devices whose IDs hash to all four partitions; device1 and device3 share partition 2. */
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().resetBetweenTests(false)
            .hub(new HubConfig("simhub", null, Stream.of("device1", "device2", "device3", "device4", "device5")
                    .map(id -> new HubConfig.DeviceSpec(id, null, null, null)).toList(), null))
            .amqpsPort(HubSimulator.SDK_AMQPS_PORT).amqpPort(HubSimulator.DEFAULT_AMQP_PORT).build();

    private static SSLContext previousDefault;
    /** What the device SDK sent, per device, in order. */
    private static final Map<String, List<String>> SENT = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void trustTheSimulatorAndSendTelemetryWithTheDeviceSdk() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(ExportedTrust.sslContext(info));
        for (SimulatorInfo.DeviceEntry device : info.devices()) {
            DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS,
                    ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
            client.open(true);
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String body = device.deviceId() + "-" + i + "-" + UUID.randomUUID();
                Message message = new Message(body);
                message.setProperty("temperature", Integer.toString(20 + i));
                message.setMessageId("msg-" + body);
                client.sendEvent(message);
                bodies.add(body);
            }
            client.close();
            SENT.put(device.deviceId(), bodies);
        }
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    private static String partitionOf(String deviceId) {
        return Integer.toString(EventStore.partitionIndex(deviceId, HUB.simulator().eventHub().settings().partitionCount()));
    }

    /** The bodies the device SDK sent into one partition, in the order it sent them. */
    private static List<String> sentTo(String partitionId) {
        List<String> out = new ArrayList<>();
        SENT.forEach((device, bodies) -> {
            if (partitionOf(device).equals(partitionId)) {
                out.addAll(bodies);
            }
        });
        return out;
    }

    private static List<EventData> read(EventHubConsumerClient consumer, String partitionId, int count, EventPosition position) {
        List<EventData> out = new ArrayList<>();
        for (PartitionEvent event : consumer.receiveFromPartition(partitionId, count, position, AmqpTestClient.TIMEOUT)) {
            out.add(event.getData());
        }
        return out;
    }

    @Test
    void theEventHubsClientReadsEachPartitionFromEarliestWithItsPropertiesFromManagement() {
        SimulatorInfo info = HUB.simulator().info();
        // README:begin event-hubs-example
        EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(info.eventHubConnectionString()) // TLS; the JVM default SSLContext trusts the CA
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                .buildConsumerClient();
        for (PartitionEvent event : consumer.receiveFromPartition("0", 10, EventPosition.earliest(), Duration.ofSeconds(1))) {
            System.out.println(event.getData().getSystemProperties().get("iothub-connection-device-id") + ": "
                    + event.getData().getBodyAsString());
        }
        // README:end event-hubs-example
        try {
            EventHubProperties properties = consumer.getEventHubProperties();
            assertEquals(info.eventHubCompatibleName(), properties.getName());
            List<String> ids = new ArrayList<>();
            consumer.getPartitionIds().forEach(ids::add);
            assertEquals(List.of("0", "1", "2", "3"), ids);
            int total = 0;
            for (String id : ids) {
                List<String> expected = sentTo(id);
                assertFalse(expected.isEmpty(), "every partition has a device");
                PartitionProperties partition = consumer.getPartitionProperties(id);
                assertFalse(partition.isEmpty(), "partition " + id);
                assertEquals(0, partition.getBeginningSequenceNumber());
                assertEquals(expected.size() - 1, partition.getLastEnqueuedSequenceNumber());
                List<EventData> events = read(consumer, id, expected.size(), EventPosition.earliest());
                assertEquals(expected, events.stream().map(EventData::getBodyAsString).toList(), "partition " + id);
                for (int i = 0; i < events.size(); i++) {
                    EventData event = events.get(i);
                    assertEquals((long) i, event.getSequenceNumber());
                    assertEquals("msg-" + expected.get(i), event.getMessageId());
                    String device = expected.get(i).substring(0, expected.get(i).indexOf('-'));
                    assertEquals(device, event.getSystemProperties().get("iothub-connection-device-id"));
                    assertEquals("Telemetry", event.getSystemProperties().get("iothub-message-source"));
                    assertEquals(Integer.toString(20 + i % 2), event.getProperties().get("temperature"));
                }
                EventData last = events.get(events.size() - 1);
                assertEquals(partition.getLastEnqueuedOffset(), last.getOffsetString());
                assertEquals(partition.getLastEnqueuedTime(), last.getEnqueuedTime());
                total += events.size();
            }
            assertEquals(10, total);
        } finally {
            consumer.close();
        }
    }

    @Test
    void theEventHubsClientStartsFromASequenceNumberAndFromAnEnqueuedTime() {
        SimulatorInfo info = HUB.simulator().info();
        String partition = partitionOf("device1");
        List<String> expected = sentTo(partition);
        assertTrue(expected.size() >= 4, "device1 and device3 share a partition: " + expected);
        EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(info.eventHubConnectionString())
                .consumerGroup("$Default").buildConsumerClient();
        try {
            List<EventData> all = read(consumer, partition, expected.size(), EventPosition.earliest());
            List<EventData> afterOne = read(consumer, partition, expected.size() - 2, EventPosition.fromSequenceNumber(1));
            assertEquals(expected.subList(2, expected.size()), afterOne.stream().map(EventData::getBodyAsString).toList());
            List<EventData> fromOne = read(consumer, partition, expected.size() - 1, EventPosition.fromSequenceNumber(1, true));
            assertEquals(expected.subList(1, expected.size()), fromOne.stream().map(EventData::getBodyAsString).toList());

            Instant time = all.get(1).getEnqueuedTime();
            List<String> later = all.stream().filter(e -> e.getEnqueuedTime().isAfter(time)).map(EventData::getBodyAsString).toList();
            assertFalse(later.isEmpty(), "device3 sent after device1");
            List<EventData> byTime = read(consumer, partition, later.size(), EventPosition.fromEnqueuedTime(time));
            assertEquals(later, byTime.stream().map(EventData::getBodyAsString).toList());
        } finally {
            consumer.close();
        }
    }

    @Test
    void theEventHubsClientReadsOverPlainAmqpInDevelopmentEmulatorMode() {
        SimulatorInfo info = HUB.simulator().info();
        assertTrue(info.eventHubDevelopmentEmulatorConnectionString().endsWith(";UseDevelopmentEmulator=true"));
        String partition = partitionOf("device2");
        EventHubConsumerAsyncClient consumer = new EventHubClientBuilder()
                .connectionString(info.eventHubDevelopmentEmulatorConnectionString())
                .consumerGroup("$Default").buildAsyncConsumerClient();
        try {
            assertEquals(List.of("0", "1", "2", "3"), consumer.getPartitionIds().collectList().block(AmqpTestClient.TIMEOUT));
            List<String> bodies = consumer.receiveFromPartition(partition, EventPosition.earliest())
                    .take(sentTo(partition).size())
                    .map(e -> e.getData().getBodyAsString())
                    .collectList().block(AmqpTestClient.TIMEOUT);
            assertEquals(sentTo(partition), bodies);
            // What the client authorised with on $cbs (captured here, written down in the README): the receiver's
            // entity under amqp://{Endpoint host}/; $management requests carry their own security_token instead.
            List<String> audiences = hub().broker().server().getRemotingService().getConnections().stream()
                    .map(c -> ((org.apache.activemq.artemis.protocol.amqp.broker.ActiveMQProtonRemotingConnection) c).getAmqpConnection())
                    .filter(c -> c instanceof dev.hubsim.amqp.HubConnectionContext)
                    .flatMap(c -> ((dev.hubsim.amqp.HubConnectionContext) c).claims().held(dev.hubsim.auth.ConnectionClaims.Endpoint.EVENT_HUB).stream())
                    .map(claim -> claim.audience().toString()).toList();
            assertEquals(List.of("localhost/simhub/ConsumerGroups/$Default/Partitions/" + partition), audiences);
        } finally {
            consumer.close();
        }
    }

    /** Prints the read rate the README quotes; runs last because it adds thousands of events to a partition. */
    @Test
    @Order(Integer.MAX_VALUE)
    void eventsPerSecondReadFromOnePartitionByTheEventHubsClient() throws Exception {
        int count = 5_000;
        HubSimulator hub = HUB.simulator();
        String partition = partitionOf("device3");
        long before = hub.eventHub().nextSequenceNumber(partition);
        byte[] payload = "{\"temperature\":21.5,\"humidity\":40}".getBytes(StandardCharsets.UTF_8);
        try (AmqpTestClient device = EventHubs.device(hub, "device3")) {
            Sender sender = EventHubs.deviceSender(device, hub, "device3");
            for (int i = 0; i < count; i++) {
                org.apache.qpid.proton.message.Message m = EventHubs.telemetry(new String(payload, StandardCharsets.UTF_8), Map.of("n", i));
                assertTrue(device.send(sender, m) instanceof Accepted);
            }
        }
        EventHubConsumerAsyncClient consumer = new EventHubClientBuilder().connectionString(hub.info().eventHubConnectionString())
                .consumerGroup("$Default").buildAsyncConsumerClient();
        try {
            // Connect and authorise first, so the rate below is reading only.
            assertNotNull(consumer.getPartitionProperties(partition).block(AmqpTestClient.TIMEOUT));
            long t0 = System.nanoTime();
            List<Long> sequences = consumer.receiveFromPartition(partition, EventPosition.fromSequenceNumber(before, true))
                    .take(count).map(e -> e.getData().getSequenceNumber()).collectList().block(Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertNotNull(sequences);
            assertEquals(count, sequences.size());
            for (int i = 0; i < count; i++) {
                assertEquals(before + i, sequences.get(i));
            }
            System.out.printf("hubsim figure: the Event Hubs client read %d events from one partition in %.2f s = %.0f events/s%n",
                    count, seconds, count / seconds);
        } finally {
            consumer.close();
        }
    }
}
