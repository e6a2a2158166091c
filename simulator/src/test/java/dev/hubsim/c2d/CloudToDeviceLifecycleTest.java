package dev.hubsim.c2d;

import dev.hubsim.codec.FeedbackMessages;
import dev.hubsim.codec.DeviceBoundMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.Received;
import dev.hubsim.testing.CountedSize;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cloud-to-device lifecycle over real TLS and Proton-J (reference/iothub-amqp.md §7): each transition, its
 * feedback record, and the refusals. Lock timeout and feedback interval are shortened so waits stay short.
 */
class CloudToDeviceLifecycleTest {
    static final Duration LOCK_TIMEOUT = Duration.ofMillis(800);

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder()
            .hub(new HubConfig("simhub", null, IntStream.rangeClosed(1, 12).mapToObj(i -> new HubConfig.DeviceSpec("c2d-" + i, null, null, null)).toList(), null))
            .configure(b -> b.cloudToDevice(C2dSettings.hubDefaults().withLockTimeout(LOCK_TIMEOUT).withFeedbackInterval(Duration.ofMillis(150))))
            .build();

    private C2dClients clients;
    private HubSimulator hub;

    @BeforeEach
    void connect() throws Exception {
        hub = HUB.simulator();
        clients = new C2dClients(hub);
    }

    @AfterEach
    void disconnect() {
        clients.close();
    }

    private static String id() {
        return "msg-" + UUID.randomUUID();
    }

    @Test
    void aDeviceSeesTheServicesMessageWithTheHubsAnnotationsAndTheLockTokenAsDeliveryTag() throws Exception {
        Message sent = C2dClients.c2d("c2d-1", id(), "full", "payload");
        sent.setCorrelationId("corr-7");
        sent.setUserId("svc".getBytes(StandardCharsets.UTF_8));
        sent.setContentType("text/plain");
        Date expiry = new Date(Instant.now().plusSeconds(600).toEpochMilli());
        sent.getProperties().setAbsoluteExpiryTime(expiry);
        ((ApplicationProperties) sent.getApplicationProperties()).getValue().put("colour", "blue");
        Instant before = Instant.now();
        assertInstanceOf(Accepted.class, clients.send(sent));

        Received got = receive("c2d-1");
        Message m = got.message();
        assertEquals(sent.getMessageId(), m.getMessageId());
        assertEquals("/devices/c2d-1/messages/devicebound", m.getAddress());
        assertEquals("corr-7", m.getCorrelationId());
        assertEquals(new Binary("svc".getBytes(StandardCharsets.UTF_8)), m.getProperties().getUserId());
        assertEquals(expiry, m.getProperties().getAbsoluteExpiryTime());
        assertEquals("blue", m.getApplicationProperties().getValue().get("colour"));
        assertArrayEquals("payload".getBytes(), ((Data) m.getBody()).getValue().getArray());

        Map<Symbol, Object> a = m.getMessageAnnotations().getValue();
        UUID lockToken = UUID.fromString((String) a.get(Symbol.valueOf("x-opt-lock-token")));
        assertArrayEquals(DeviceBoundMessage.deliveryTag(lockToken), got.tag(), "the delivery tag is the lock token");
        assertEquals(16, got.tag().length);
        assertEquals(UnsignedByte.valueOf((byte) 0), a.get(Symbol.valueOf("iothub-deliverycount")));
        assertInstanceOf(UnsignedLong.class, a.get(Symbol.valueOf("x-opt-sequence-number")));
        Date enqueued = assertInstanceOf(Date.class, a.get(Symbol.valueOf("iothub-enqueuedtime")));
        assertFalse(enqueued.toInstant().isBefore(before.minusMillis(1)));
        clients.device("c2d-1").settle(got, Accepted.getInstance());
    }

    private Received receive(String deviceId) throws Exception {
        Receiver inbox = clients.deviceInbox(deviceId, 1);
        return clients.device(deviceId).receiveUnsettled(inbox);
    }

    @Test
    void theDotNetGuidByteOrderOfTheDeliveryTag() {
        UUID token = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        assertArrayEquals(new byte[]{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, (byte) 0x88, (byte) 0x99, (byte) 0xaa,
                (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff}, DeviceBoundMessage.deliveryTag(token));
    }

    @Test
    void acceptedCompletesTheMessageWithSuccessFeedbackInTheDocumentedShape() throws Exception {
        String id = id();
        assertInstanceOf(Accepted.class, clients.send(C2dClients.c2d("c2d-2", id, "full", "x")));
        Received got = receive("c2d-2");
        clients.device("c2d-2").settle(got, Accepted.getInstance());

        Message batch = clients.nextFeedbackMessage();
        assertEquals(FeedbackMessages.CONTENT_TYPE, batch.getContentType());
        assertEquals(new Binary("simhub".getBytes(StandardCharsets.UTF_8)), batch.getProperties().getUserId());
        JsonNode records = new ObjectMapper().readTree(((Data) batch.getBody()).getValue().getArray());
        assertTrue(records.isArray());
        JsonNode record = records.get(0);
        List<String> fields = new ArrayList<>();
        record.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("originalMessageId", "enqueuedTimeUtc", "statusCode", "description", "deviceId", "deviceGenerationId"), fields);
        assertEquals(id, record.get("originalMessageId").asText());
        assertEquals("Success", record.get("statusCode").asText());
        assertEquals("Success", record.get("description").asText());
        assertEquals("c2d-2", record.get("deviceId").asText());
        assertEquals(hub.hub().registry().device("c2d-2").orElseThrow().generationId(), record.get("deviceGenerationId").asText());
        assertTrue(record.get("enqueuedTimeUtc").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), record.toString());
        assertEquals(0, hub.cloudToDevice().depth("c2d-2"));
    }

    @Test
    void rejectedDeadLettersAtOnceWithRejectedFeedback() throws Exception {
        String id = id();
        clients.send(C2dClients.c2d("c2d-3", id, "negative", "x"));
        Received got = receive("c2d-3");
        clients.device("c2d-3").settle(got, new Rejected());
        JsonNode record = clients.awaitFeedbackFor(id);
        assertEquals("Rejected", record.get("statusCode").asText());
        assertEquals("Message rejected", record.get("description").asText());
        clients.device("c2d-3").roundTrip();
        assertEquals(0, hub.cloudToDevice().depth("c2d-3"), "not redelivered");
    }

    @Test
    void releasedAndModifiedAbandonWithTheDeliveryCountRaised() throws Exception {
        String id = id();
        clients.send(C2dClients.c2d("c2d-4", id, "full", "x"));
        Received first = receive("c2d-4");
        AmqpTestClient device = clients.device("c2d-4");
        device.settle(first, Released.getInstance());
        Received second = device.receiveUnsettled((Receiver) first.delivery().getLink());
        assertEquals(id, second.message().getMessageId());
        assertEquals(UnsignedByte.valueOf((byte) 1), second.message().getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-deliverycount")));
        assertNotEquals(lockToken(first), lockToken(second), "a new delivery has a new lock token");
        Modified modified = new Modified();
        modified.setDeliveryFailed(true);
        device.settle(second, modified);
        Received third = device.receiveUnsettled((Receiver) first.delivery().getLink());
        assertEquals(UnsignedByte.valueOf((byte) 2), third.message().getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-deliverycount")));
        assertEquals(2L, third.message().getHeader().getDeliveryCount().longValue());
        device.settle(third, Accepted.getInstance());
        assertEquals("Success", clients.awaitFeedbackFor(id).get("statusCode").asText());
    }

    @Test
    void theTenthAbandonDeadLettersWithDeliveryCountExceeded() throws Exception {
        String id = id();
        clients.send(C2dClients.c2d("c2d-5", id, "full", "x"));
        Receiver inbox = clients.deviceInbox("c2d-5", 1);
        AmqpTestClient device = clients.device("c2d-5");
        for (int i = 0; i < 10; i++) {
            Received got = device.receiveUnsettled(inbox);
            assertEquals(UnsignedByte.valueOf((byte) i), got.message().getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-deliverycount")));
            device.settle(got, Released.getInstance());
        }
        JsonNode record = clients.awaitFeedbackFor(id);
        assertEquals("DeliveryCountExceeded", record.get("statusCode").asText());
        assertEquals("Message delivery count exceeded", record.get("description").asText());
        assertEquals(0, hub.cloudToDevice().depth("c2d-5"));
        assertFalse(device.hasMessage(inbox), "no eleventh delivery");
    }

    @Test
    void anUnsettledLockTimesOutAndTheMessageIsDeliveredAgainWithTheSameCount() throws Exception {
        String id = id();
        clients.send(C2dClients.c2d("c2d-6", id, "none", "x"));
        Receiver inbox = clients.deviceInbox("c2d-6", 2);
        AmqpTestClient device = clients.device("c2d-6");
        Received first = device.receiveUnsettled(inbox);
        long lockedAt = System.nanoTime();
        Received again = device.receiveUnsettled(inbox);
        Duration gap = Duration.ofNanos(System.nanoTime() - lockedAt);
        assertEquals(id, again.message().getMessageId());
        assertTrue(gap.compareTo(LOCK_TIMEOUT.minusMillis(50)) >= 0, "redelivered only after the lock timeout, took " + gap);
        assertEquals(UnsignedByte.valueOf((byte) 0), again.message().getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-deliverycount")),
                "a lock timeout is not an abandon");
        device.settle(first, Accepted.getInstance()); // too late: the lock was lost, the outcome is ignored
        device.roundTrip();
        assertEquals(1, hub.cloudToDevice().depth("c2d-6"), "the stale settlement did not complete the redelivered message");
        device.settle(again, Accepted.getInstance());
        device.roundTrip();
        assertEquals(0, hub.cloudToDevice().depth("c2d-6"));
    }

    @Test
    void anExpiredMessageIsNeverDeliveredAndReportsExpired() throws Exception {
        String expiring = id();
        Message m = C2dClients.c2d("c2d-7", expiring, "negative", "too late");
        m.getProperties().setAbsoluteExpiryTime(new Date(System.currentTimeMillis() + 200));
        assertInstanceOf(Accepted.class, clients.send(m));
        JsonNode record = clients.awaitFeedbackFor(expiring);
        assertEquals("Expired", record.get("statusCode").asText());
        assertEquals("Message expired", record.get("description").asText());
        assertEquals("c2d-7", record.get("deviceId").asText());

        String sentinel = id();
        clients.send(C2dClients.c2d("c2d-7", sentinel, "none", "on time"));
        Received got = receive("c2d-7");
        assertEquals(sentinel, got.message().getMessageId(), "the expired message was skipped");
        clients.device("c2d-7").settle(got, Accepted.getInstance());
    }

    @Test
    void theFiftyFirstQueuedMessageIsRefused() throws Exception {
        for (int i = 0; i < 50; i++) { // "Each device queue holds, at most, 50 cloud-to-device messages" (§7.5)
            assertInstanceOf(Accepted.class, clients.send(C2dClients.c2d("c2d-8", id(), null, "n" + i)));
        }
        Rejected rejected = assertInstanceOf(Rejected.class, clients.send(C2dClients.c2d("c2d-8", id(), null, "one too many")));
        assertEquals(Symbol.valueOf("amqp:resource-limit-exceeded"), rejected.getError().getCondition());
        assertEquals("Device 'c2d-8' already has 50 cloud-to-device messages queued, the most a device queue holds.", rejected.getError().getDescription());
        assertEquals(50, hub.cloudToDevice().purge("c2d-8"));
        assertInstanceOf(Accepted.class, clients.send(C2dClients.c2d("c2d-8", id(), null, "room again")));
    }

    @Test
    void aMessageOf64KiBCountedAsDocumentedIsAcceptedAndOneByteMoreIsRejected() throws Exception {
        int limit = 64 * 1024; // "Maximum cloud-to-device message size: 64 KB" (reference/iothub-amqp.md §7.5, §8.1)
        String atLimit = id();
        assertInstanceOf(Accepted.class, clients.send(CountedSize.pad(C2dClients.c2d("c2d-11", atLimit, null, ""), limit)), "exactly at the limit");
        Rejected rejected = assertInstanceOf(Rejected.class, clients.send(CountedSize.pad(C2dClients.c2d("c2d-11", id(), null, ""), limit + 1)));
        assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), rejected.getError().getCondition());
        assertEquals("The cloud-to-device message is 65537 bytes; the hub accepts at most 65536.", rejected.getError().getDescription());
        assertEquals(1, hub.cloudToDevice().depth("c2d-11"), "only the one at the limit is queued");
        assertEquals(atLimit, receive("c2d-11").message().getMessageId());
        assertEquals(1, hub.cloudToDevice().purge("c2d-11"));
    }

    @Test
    void purgeEmptiesTheQueueWithPurgedFeedbackWhereAsked() throws Exception {
        String negative = id();
        String none = id();
        clients.send(C2dClients.c2d("c2d-9", negative, "negative", "a"));
        clients.send(C2dClients.c2d("c2d-9", none, "none", "b"));
        assertEquals(2, hub.cloudToDevice().purge("c2d-9"));
        JsonNode record = clients.awaitFeedbackFor(negative);
        assertEquals("Purged", record.get("statusCode").asText());
        assertEquals("Message purged", record.get("description").asText());
        assertFalse(clients.feedbackSeen(none), "iothub-ack none asks for no feedback");
    }

    @Test
    void theJavaServiceSdkSpellingsPositiveOnlyAndNegativeOnlyFilterFeedback() throws Exception {
        String positiveOnlyRejected = id();
        String negativeOnlyRejected = id();
        String positiveOnlyCompleted = id();
        clients.send(C2dClients.c2d("c2d-10", positiveOnlyRejected, "positiveonly", "1"));
        clients.send(C2dClients.c2d("c2d-10", negativeOnlyRejected, "negativeonly", "2"));
        clients.send(C2dClients.c2d("c2d-10", positiveOnlyCompleted, "positiveonly", "3"));
        Receiver inbox = clients.deviceInbox("c2d-10", 3);
        AmqpTestClient device = clients.device("c2d-10");
        device.settle(device.receiveUnsettled(inbox), new Rejected());
        device.settle(device.receiveUnsettled(inbox), new Rejected());
        device.settle(device.receiveUnsettled(inbox), Accepted.getInstance());
        assertEquals("Rejected", clients.awaitFeedbackFor(negativeOnlyRejected).get("statusCode").asText());
        assertEquals("Success", clients.awaitFeedbackFor(positiveOnlyCompleted).get("statusCode").asText());
        assertFalse(clients.feedbackSeen(positiveOnlyRejected), "positive-only feedback leaves out rejections");
    }

    @Test
    void feedbackWaitsForAReceiverAndTheFeedbackPathIsCaseInsensitive() throws Exception {
        // A simulator of its own, so that no other test's feedback is in its queue.
        try (HubSimulator quiet = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(100))).start();
             C2dClients own = new C2dClients(quiet)) {
            String id = id();
            CountDownLatch batchReady = new CountDownLatch(1);
            quiet.cloudToDevice().onFeedback(batchReady::countDown);
            own.send(C2dClients.c2d("device1", id, "full", "x"));
            Receiver inbox = own.deviceInbox("device1", 1);
            own.device("device1").settle(own.device("device1").receiveUnsettled(inbox), Accepted.getInstance());
            // No feedback receiver yet: the batch is made and kept until one attaches.
            assertTrue(batchReady.await(AmqpTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "a feedback batch was made");
            assertEquals(1, quiet.cloudToDevice().feedbackWaiting());
            own.feedbackReceiver("/messages/servicebound/feedback");
            assertEquals("Success", own.awaitFeedbackFor(id).get("statusCode").asText());
            own.service.roundTrip();
            assertEquals(0, quiet.cloudToDevice().feedbackWaiting());
        }
    }

    @Test
    void sixtyFourRecordsMakeAFeedbackMessageWithoutWaitingForTheInterval() throws Exception {
        try (HubSimulator slow = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofHours(1))).start();
             C2dClients own = new C2dClients(slow)) {
            Receiver inbox = own.deviceInbox("device2", 10);
            AmqpTestClient device = own.device("device2");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String id = id();
                ids.add(id);
                own.send(C2dClients.c2d("device2", id, "positive", "n" + i));
                device.settle(device.receiveUnsettled(inbox), Accepted.getInstance());
            }
            JsonNode records = new ObjectMapper().readTree(((Data) own.nextFeedbackMessage().getBody()).getValue().getArray());
            assertEquals(64, records.size(), "one message for the whole batch, long before the one-hour interval");
            List<String> reported = new ArrayList<>();
            records.forEach(r -> reported.add(r.get("originalMessageId").asText()));
            assertEquals(ids, reported, "in the order the outcomes happened");
        }
    }

    @Test
    void closingTheDeviceLinkReturnsItsLockedMessagesAtOnce() throws Exception {
        String id = id();
        clients.send(C2dClients.c2d("c2d-12", id, "none", "x"));
        Receiver inbox = clients.deviceInbox("c2d-12", 1);
        AmqpTestClient device = clients.device("c2d-12");
        device.receiveUnsettled(inbox);
        device.detach(inbox);
        Receiver again = clients.deviceInbox("c2d-12", 1);
        long start = System.nanoTime();
        Received redelivered = device.receiveUnsettled(again);
        assertEquals(id, redelivered.message().getMessageId());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(LOCK_TIMEOUT) < 0, "not held until the lock timeout");
        device.settle(redelivered, Accepted.getInstance());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed to       | com.microsoft:argument-error",
            "non-string ack     | com.microsoft:argument-error",
            "unknown ack        | com.microsoft:argument-error",
            "huge properties    | amqp:link:message-size-exceeded",
            "oversized body     | amqp:link:message-size-exceeded",
            "unknown device     | amqp:not-found",
            "module target      | amqp:not-found",
    })
    void badMessagesAreRejectedAndTheLinkKeepsWorking(String kind, String condition) throws Exception {
        Message m = C2dClients.c2d("c2d-1", id(), null, "x");
        switch (kind.trim()) {
            case "malformed to" -> m.setAddress("/devices/c2d-1/messages/events");
            case "non-string ack" -> m.setApplicationProperties(new ApplicationProperties(new HashMap<>(Map.of("iothub-ack", 1))));
            case "unknown ack" -> m.setApplicationProperties(new ApplicationProperties(new HashMap<>(Map.of("iothub-ack", "sometimes"))));
            case "huge properties" -> {
                Map<String, Object> props = new HashMap<>();
                for (int i = 0; i < 2000; i++) {
                    props.put("property-" + i, "value-" + "v".repeat(30) + i);
                }
                m.setApplicationProperties(new ApplicationProperties(props));
            }
            case "oversized body" -> m.setBody(new Data(new Binary(new byte[64 * 1024 + 1])));
            case "unknown device" -> m.setAddress("/devices/ghost/messages/devicebound");
            case "module target" -> m.setAddress("/devices/c2d-1/modules/m1/messages/devicebound");
            default -> throw new IllegalArgumentException(kind);
        }
        Rejected rejected = assertInstanceOf(Rejected.class, clients.send(m));
        assertEquals(Symbol.valueOf(condition.trim()), rejected.getError().getCondition());
        assertFalse(rejected.getError().getDescription().isBlank());
        String good = id();
        assertInstanceOf(Accepted.class, clients.send(C2dClients.c2d("c2d-1", good, null, "fine")), "the service link keeps working");
        assertEquals(1, hub.cloudToDevice().purge("c2d-1"));
    }

    private static String lockToken(Received r) {
        return (String) r.message().getMessageAnnotations().getValue().get(Symbol.valueOf("x-opt-lock-token"));
    }
}
