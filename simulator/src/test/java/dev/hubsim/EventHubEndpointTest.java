package dev.hubsim;

import dev.hubsim.config.HubConfig;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.EventHubs;
import dev.hubsim.testing.MutableClock;
import dev.hubsim.testing.Waits;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in Event Hub-compatible endpoint over real TLS and real Proton-J: the redirect from the hub's
 * {@code /messages/events} paths and following it, start filters, consumer groups, epochs, partitions, retention and
 * {@code $management}. Each test gets its own simulator and a clock it moves by hand, so positions and times are exact.
 */
class EventHubEndpointTest {
    /** Event Hubs' own text (README, "What the hub does"), written out so that a changed constant fails here. */
    private static final String UNKNOWN_PARTITION = "The specified partition is invalid for an EventHub partition sender or receiver.";

    private static final String GROUP2 = "analytics";
    /** CRC-32 of the device ID modulo 4 (EventStore): device1 and device3 share partition 2, device2 is in 0. */
    private static final String P_DEVICE1 = "2";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @RegisterExtension
    final HubSimulatorExtension simulator = HubSimulatorExtension.builder()
            .hub(new HubConfig("simhub", null, List.of(device("device1"), device("device2"), device("device3"), device("device5")), null,
                    new HubConfig.EventHubSpec(null, null, null, List.of(GROUP2), 1.0, 50L)))
            .configure(b -> b.clock(clock))
            .build();

    private static HubConfig.DeviceSpec device(String id) {
        return new HubConfig.DeviceSpec(id, null, null, null);
    }

    private HubSimulator hub() {
        return simulator.simulator();
    }

    /** Sends telemetry from a device over its own connection; returns the bodies in order. */
    private List<String> send(String deviceId, int count, String prefix) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (AmqpTestClient device = EventHubs.device(hub(), deviceId)) {
            Sender sender = EventHubs.deviceSender(device, hub(), deviceId);
            for (int i = 0; i < count; i++) {
                String body = prefix + "-" + i;
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("index", i);
                assertInstanceOf(Accepted.class, device.send(sender, EventHubs.telemetry(body, props)));
                bodies.add(body);
                clock.advance(Duration.ofSeconds(1));
            }
        }
        return bodies;
    }

    private List<Message> receive(AmqpTestClient client, Receiver receiver, int count) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(client.receive(receiver));
        }
        return out;
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(EventHubs::body).toList();
    }

    private AmqpTestClient serviceOnHub() throws Exception {
        AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1", hub().policyToken("service", Duration.ofHours(1))).statusCode());
        return client;
    }

    // --- redirect ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/messages/events/ConsumerGroups/$Default/Partitions/2", "amqps://127.0.0.1/messages/events/ConsumerGroups/$Default/Partitions/2",
            "messages/events/consumergroups/$Default/partitions/2"})
    void aServiceReceiverOnTheHubIsRedirectedWithTheDocumentedInfoMap(String address) throws Exception {
        try (AmqpTestClient client = serviceOnHub()) {
            Receiver receiver = client.receiver(client.session(), "events", address, 10);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:link:redirect"), error.getCondition());
            Map<?, ?> info = error.getInfo();
            assertEquals("localhost", info.get(Symbol.valueOf("hostname")));
            assertEquals("127.0.0.1", info.get(Symbol.valueOf("network-host")));
            assertEquals(hub().amqpsPort(), info.get(Symbol.valueOf("port")));
            assertEquals("amqps://localhost:" + hub().amqpsPort() + "/simhub/ConsumerGroups/$Default/Partitions/2", info.get(Symbol.valueOf("address")));
            assertTrue(error.getDescription().contains((String) info.get(Symbol.valueOf("address"))), error.getDescription());

            // The documented refusal framing: our attach carries no source, then a closing detach.
            List<FrameBody> frames = client.receivedFrames();
            Attach attach = frames.stream().filter(f -> f instanceof Attach a && a.getName().equals("events")).map(f -> (Attach) f).findFirst().orElseThrow();
            assertNull(attach.getSource());
            Detach detach = frames.stream().filter(f -> f instanceof Detach).map(f -> (Detach) f).reduce((a, b) -> b).orElseThrow();
            assertTrue(detach.getClosed());
        }
    }

    @Test
    void theManagementPathIsRedirectedToTheEventHubsManagementNode() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(),
                SaslChoice.plain("service@sas.root.simhub", hub().policyToken("service", Duration.ofHours(1)))).awaitOpen()) {
            Receiver receiver = client.receiver(client.session(), "mgmt", "amqps://127.0.0.1/messages/events/$management", 1);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:link:redirect"), error.getCondition());
            assertEquals("amqps://localhost:" + hub().amqpsPort() + "/simhub/$management", error.getInfo().get(Symbol.valueOf("address")));
        }
    }

    @Test
    void withoutAServiceClaimTheEventsPathIsUnauthorizedNotRedirected() throws Exception {
        try (AmqpTestClient client = EventHubs.device(hub(), "device1")) {
            Receiver receiver = client.receiver(client.session(), "events", "/messages/events/ConsumerGroups/$Default/Partitions/0", 10);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertNull(error.getInfo());
            // The rest of the connection keeps working.
            Sender sender = EventHubs.deviceSender(client, hub(), "device1");
            assertInstanceOf(Accepted.class, client.send(sender, EventHubs.telemetry("still here", null)));
        }
    }

    @Test
    void followingTheRedirectWithANewConnectionAndTokenReceivesTheEvents() throws Exception {
        List<String> sent = send("device1", 3, "follow");
        String address;
        Map<Symbol, Object> filters;
        try (AmqpTestClient client = serviceOnHub()) {
            Source source = EventHubs.source("/messages/events/ConsumerGroups/$Default/Partitions/" + P_DEVICE1, "amqp.annotation.x-opt-sequence-number > 0");
            Receiver receiver = client.receiver(client.session(), "events", source, null, null, 10);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:link:redirect"), error.getCondition());
            address = (String) error.getInfo().get(Symbol.valueOf("address"));
            filters = source.getFilter();
            assertEquals(hub().amqpsPort(), error.getInfo().get(Symbol.valueOf("port")));
        }
        // As the documented Python sample does: a new connection, a token for the redirect address, the same filter.
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), address, EventHubs.token(hub(), "service", address)).statusCode());
            Source source = new Source();
            source.setAddress(address);
            source.setFilter(filters);
            Receiver receiver = client.receiver(client.session(), "events", source, null, null, 10);
            assertTrue(client.isAttached(receiver));
            List<Message> got = receive(client, receiver, 2);
            assertEquals(sent.subList(1, 3), bodies(got));
            Message first = got.get(0);
            assertEquals(1L, EventHubs.sequenceNumber(first));
            assertEquals("device1", EventHubs.annotation(first, "iothub-connection-device-id"));
            assertEquals("Telemetry", EventHubs.annotation(first, "iothub-message-source"));
            assertEquals(new Date(Instant.parse("2026-01-01T00:00:01Z").toEpochMilli()), EventHubs.enqueuedTime(first));
            assertEquals(EventHubs.enqueuedTime(first), EventHubs.annotation(first, "iothub-enqueuedtime"));
            assertEquals(1, first.getApplicationProperties().getValue().get("index"));
            assertEquals("text/plain", first.getContentType());
        }
    }

    @Test
    void aTokenForTheIotHubDoesNotOpenTheEventHub() throws Exception {
        try (AmqpTestClient client = serviceOnHub()) {
            Receiver receiver = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub(), "$Default", "0"), null, null, 10);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().contains("amqp://localhost/simhub/ConsumerGroups/$Default/Partitions/0"), error.getDescription());
        }
    }

    @Test
    void aPolicyWithoutServiceConnectGetsA401ForTheEventHubAudience() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), EventHubs.audience(hub()),
                    EventHubs.token(hub(), "device", EventHubs.audience(hub())));
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertTrue(reply.statusDescription().toString().contains("lacks ServiceConnect"), reply.statusDescription().toString());
        }
    }

    // --- start positions --------------------------------------------------------------------------------------

    private List<String> readWith(String filter, int count) throws Exception {
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver receiver = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1), filter, null, 100);
            assertTrue(client.isAttached(receiver), "attached with filter " + filter);
            return bodies(receive(client, receiver, count));
        }
    }

    @Test
    void eachFilterFormStartsWhereItSays() throws Exception {
        List<String> sent = send("device1", 5, "f");
        List<Message> all;
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver receiver = EventHubs.receiver(client, client.session(), "all", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1), null, null, 100);
            all = receive(client, receiver, 5);
        }
        assertEquals(sent, bodies(all));
        for (int i = 0; i < 5; i++) {
            assertEquals((long) i, EventHubs.sequenceNumber(all.get(i)), "sequence numbers count from 0 per partition");
        }
        long offset2 = Long.parseLong(EventHubs.offset(all.get(2)));
        assertTrue(offset2 > Long.parseLong(EventHubs.offset(all.get(1))), "offsets grow");
        long time2 = EventHubs.enqueuedTime(all.get(2)).getTime();

        assertEquals(sent, readWith("amqp.annotation.x-opt-offset > '-1'", 5));
        assertEquals(sent.subList(3, 5), readWith("amqp.annotation.x-opt-offset > '" + offset2 + "'", 2));
        assertEquals(sent.subList(2, 5), readWith("amqp.annotation.x-opt-offset >= '" + offset2 + "'", 3));
        assertEquals(sent.subList(3, 5), readWith("amqp.annotation.x-opt-sequence-number > 2", 2));
        assertEquals(sent.subList(2, 5), readWith("amqp.annotation.x-opt-sequence-number >= '2'", 3));
        assertEquals(sent.subList(3, 5), readWith("amqp.annotation.x-opt-enqueued-time > '" + time2 + "'", 2));
        assertEquals(sent.subList(2, 5), readWith("amqp.annotation.x-opt-enqueued-time >= " + time2, 3));
    }

    @Test
    void latestStartsAfterTheLastStoredEvent() throws Exception {
        send("device1", 2, "old");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver receiver = EventHubs.receiver(client, client.session(), "latest", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1),
                    "amqp.annotation.x-opt-offset > '@latest'", null, 100);
            assertTrue(client.isAttached(receiver));
            List<String> fresh = send("device1", 1, "new");
            Message first = client.receive(receiver);
            assertEquals(fresh.get(0), EventHubs.body(first));
            assertEquals(2L, EventHubs.sequenceNumber(first));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"amqp.annotation.x-opt-offset ~ '5'", "amqp.annotation.x-opt-sequence-number > 'abc'",
            "amqp.annotation.x-opt-partition-key > '1'", "sequence > 3"})
    void aMalformedFilterIsRefusedWithAClearErrorAndTheConnectionKeepsWorking(String filter) throws Exception {
        send("device1", 1, "m");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Session session = client.session();
            Receiver bad = EventHubs.receiver(client, session, "bad", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1), filter, null, 10);
            ErrorCondition error = client.awaitClosed(bad);
            assertEquals(Symbol.valueOf("com.microsoft:argument-error"), error.getCondition());
            assertTrue(error.getDescription().contains(filter), error.getDescription());
            Receiver good = EventHubs.receiver(client, session, "good", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1), null, null, 10);
            assertEquals("m-0", EventHubs.body(client.receive(good)));
        }
    }

    @Test
    void unknownPartitionsAndConsumerGroupsAreRefusedAsEventHubsRefusesThem() throws Exception {
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Session session = client.session();
            ErrorCondition partition = client.awaitClosed(EventHubs.receiver(client, session, "p9", EventHubs.partitionAddress(hub(), "$Default", "9"), null, null, 1));
            assertEquals(Symbol.valueOf("com.microsoft:argument-out-of-range"), partition.getCondition());
            assertEquals(UNKNOWN_PARTITION, partition.getDescription());
            ErrorCondition group = client.awaitClosed(EventHubs.receiver(client, session, "cg", EventHubs.partitionAddress(hub(), "nobody", "0"), null, null, 1));
            assertEquals(Symbol.valueOf("amqp:not-found"), group.getCondition());
            assertEquals("The messaging entity 'localhost:eventhub:simhub~0|nobody' could not be found.", group.getDescription());
            ErrorCondition sender = client.awaitClosed(client.sender(session, "send", "simhub"));
            assertEquals(Symbol.valueOf("amqp:not-allowed"), sender.getCondition());
        }
    }

    // --- consumer groups, epochs, limits ------------------------------------------------------------------------

    @Test
    void consumerGroupsReadEveryEventIndependently() throws Exception {
        List<String> sent = send("device1", 4, "cg");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Session session = client.session();
            String p = P_DEVICE1;
            Receiver epochHolder = EventHubs.receiver(client, session, "default", EventHubs.partitionAddress(hub(), "$Default", p), null, 7L, 100);
            List<String> defaultRead = bodies(receive(client, epochHolder, 4));
            // An epoch receiver in $Default neither displaces nor blocks a receiver without epoch in another group.
            Receiver other = EventHubs.receiver(client, session, "analytics", EventHubs.partitionAddress(hub(), GROUP2, p), null, null, 100);
            assertTrue(client.isAttached(other));
            assertEquals(sent, bodies(receive(client, other, 4)));
            assertEquals(sent, defaultRead);
            assertTrue(client.isAttached(epochHolder));
            // Both see the next event.
            List<String> next = send("device1", 1, "both");
            assertEquals(next.get(0), EventHubs.body(client.receive(epochHolder)));
            assertEquals(next.get(0), EventHubs.body(client.receive(other)));
        }
    }

    @Test
    void aHigherOrEqualEpochStealsTheReceiverAndALowerOneIsRefused() throws Exception {
        String address = EventHubs.partitionAddress(hub(), "$Default", "0");
        try (AmqpTestClient a = EventHubs.connect(hub()); AmqpTestClient b = EventHubs.connect(hub())) {
            Receiver first = EventHubs.receiver(a, a.session(), "e1", address, null, 1L, 10);
            assertTrue(a.isAttached(first));
            Receiver second = EventHubs.receiver(b, b.session(), "e2", address, null, 2L, 10);
            assertTrue(b.isAttached(second));
            ErrorCondition stolen = a.awaitClosed(first);
            assertEquals(Symbol.valueOf("amqp:link:stolen"), stolen.getCondition());
            assertEquals("New receiver 'nil' with higher epoch of '2' is created hence current receiver 'nil' with epoch '1' is getting "
                    + "disconnected. If you are recreating the receiver, make sure a higher epoch is used.", stolen.getDescription());

            Session session = a.session();
            ErrorCondition lower = a.awaitClosed(EventHubs.receiver(a, session, "e0", address, null, 1L, 10));
            assertEquals(Symbol.valueOf("amqp:link:stolen"), lower.getCondition());
            assertEquals("Receiver 'nil' with a higher epoch '2' already exists. Receiver 'nil' with epoch 1 cannot be created. Make sure you "
                    + "are creating receiver with increasing epoch value to ensure connectivity, or ensure all old epoch receivers are "
                    + "closed or disconnected.", lower.getDescription());
            ErrorCondition none = a.awaitClosed(EventHubs.receiver(a, session, "plain", address, null, null, 10));
            assertEquals("At least one receiver for the endpoint is created with epoch of '2', and so non-epoch receiver is not allowed. "
                    + "Either reconnect with a higher epoch, or make sure all epoch receivers are closed or disconnected.", none.getDescription());

            Receiver equal = EventHubs.receiver(a, session, "e2-again", address, null, 2L, 10);
            assertTrue(a.isAttached(equal));
            assertEquals(Symbol.valueOf("amqp:link:stolen"), b.awaitClosed(second).getCondition());
            List<String> sent = send("device2", 1, "to-the-owner");
            assertEquals(sent.get(0), EventHubs.body(a.receive(equal)));
        }
    }

    @Test
    void atMostFiveReceiversWithoutEpochPerPartitionAndGroup() throws Exception {
        String address = EventHubs.partitionAddress(hub(), "$Default", "3");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Session session = client.session();
            List<Receiver> five = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                five.add(EventHubs.receiver(client, session, "r" + i, address, null, null, 10));
                assertTrue(client.isAttached(five.get(i)));
            }
            ErrorCondition sixth = client.awaitClosed(EventHubs.receiver(client, session, "r5", address, null, null, 10));
            assertEquals(Symbol.valueOf("amqp:resource-limit-exceeded"), sixth.getCondition());
            assertEquals("Exceeded the maximum number of allowed receivers per partition in a consumer group which is 5", sixth.getDescription());
            // Another group has its own five; a closed receiver frees its place.
            assertTrue(client.isAttached(EventHubs.receiver(client, session, "other-group", EventHubs.partitionAddress(hub(), GROUP2, "3"), null, null, 10)));
            client.closeLink(five.get(0));
            assertTrue(client.isAttached(EventHubs.receiver(client, session, "r6", address, null, null, 10)));
            // An epoch receiver displaces all of them.
            Receiver owner = EventHubs.receiver(client, session, "owner", address, null, 0L, 10);
            assertTrue(client.isAttached(owner));
            for (Receiver r : five.subList(1, 5)) {
                assertEquals(Symbol.valueOf("amqp:link:stolen"), client.awaitClosed(r).getCondition());
            }
        }
    }

    @Test
    void receiversOfAClosedConnectionGiveTheirPlaceBack() throws Exception {
        String address = EventHubs.partitionAddress(hub(), "$Default", "1");
        for (int round = 0; round < 2; round++) {
            try (AmqpTestClient client = EventHubs.connect(hub())) {
                Session session = client.session();
                for (int i = 0; i < 5; i++) {
                    assertTrue(client.isAttached(EventHubs.receiver(client, session, "r" + i, address, null, null, 10)), "round " + round + " receiver " + i);
                }
            }
            // The server notices the closed connection on its own thread; wait (bounded) until the places are free.
            Waits.until("the receivers' places freed after their connection closed",
                    () -> hub().eventHub().readers("$Default", "1") == 0);
        }
    }

    // --- partitions, retention, persistence ---------------------------------------------------------------------

    @Test
    void aDevicesTelemetryAlwaysLandsInTheSamePartition() throws Exception {
        // The documented function: CRC-32 of the UTF-8 device ID, modulo the partition count.
        assertEquals(2, EventStore.partitionIndex("device1", 4));
        assertEquals(0, EventStore.partitionIndex("device2", 4));
        assertEquals(2, EventStore.partitionIndex("device3", 4));
        assertEquals(3, EventStore.partitionIndex("device5", 4));
        send("device1", 3, "d1");
        send("device2", 2, "d2");
        send("device3", 2, "d3");
        send("device5", 1, "d5");
        Map<String, List<String>> seen = new LinkedHashMap<>();
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Session session = client.session();
            int[] expected = {2, 0, 5, 1};
            for (int p = 0; p < 4; p++) {
                Receiver r = EventHubs.receiver(client, session, "p" + p, EventHubs.partitionAddress(hub(), "$Default", Integer.toString(p)), null, null, 100);
                List<String> devices = new ArrayList<>();
                for (Message m : receive(client, r, expected[p])) {
                    devices.add((String) EventHubs.annotation(m, "iothub-connection-device-id"));
                }
                seen.put(Integer.toString(p), devices);
            }
        }
        assertEquals(List.of("device2", "device2"), seen.get("0"));
        assertEquals(List.of(), seen.get("1"));
        assertEquals(List.of("device1", "device1", "device1", "device3", "device3"), seen.get("2"));
        assertEquals(List.of("device5"), seen.get("3"));
        // HubSimulator.telemetry(deviceId) reads the same store.
        assertEquals(List.of("d3-0", "d3-1"), hub().telemetry("device3").stream().map(t -> new String(t.body())).toList());
        assertEquals(8, hub().telemetryCount());
    }

    @Test
    void retentionDropsTheOldestEventsByCountAndByAge() throws Exception {
        // This hub keeps 50 events and 1 hour per partition.
        List<String> sent = send("device1", 53, "n");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1), null, null, 100);
            Message first = client.receive(r);
            assertEquals(3L, EventHubs.sequenceNumber(first));
            assertEquals(sent.get(3), EventHubs.body(first));
        }
        assertEquals(50, hub().telemetry("device1").size());

        send("device2", 2, "aged");
        clock.advance(Duration.ofMinutes(61));
        List<String> recent = send("device2", 1, "recent");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub(), "$Default", "0"), null, null, 100);
            Message first = client.receive(r);
            assertEquals(recent.get(0), EventHubs.body(first));
            assertEquals(2L, EventHubs.sequenceNumber(first), "sequence numbers continue after trimming");
        }
        // A partition nobody writes to is trimmed by the periodic sweep.
        hub().eventHub().applyRetention();
        assertEquals(0, hub().telemetry("device1").size());
        Map<String, Object> info = management(partitionRequest(P_DEVICE1));
        assertEquals(Boolean.TRUE, info.get("is_partition_empty"));
        assertEquals(53L, info.get("begin_sequence_number"));
    }

    // --- $management ------------------------------------------------------------------------------------------

    private Message partitionRequest(String partition) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "READ");
        props.put("type", "com.microsoft:partition");
        props.put("name", "simhub");
        props.put("partition", partition);
        props.put("security_token", EventHubs.token(hub(), "service", EventHubs.audience(hub())));
        Message m = Proton.message();
        m.setMessageId(org.apache.qpid.proton.amqp.UnsignedLong.valueOf(1));
        m.setReplyTo("$management-client-reply-to");
        m.setApplicationProperties(new ApplicationProperties(props));
        return m;
    }

    private Message managementReply(Message request) throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            Session session = client.session();
            Sender sender = client.sender(session, "mgmt-sender", "$management");
            Receiver receiver = client.receiver(session, "mgmt-receiver", "$management", 1);
            assertInstanceOf(Accepted.class, client.send(sender, request));
            Message reply = client.receive(receiver);
            assertEquals(request.getMessageId(), reply.getCorrelationId());
            return reply;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> management(Message request) throws Exception {
        Message reply = managementReply(request);
        assertEquals(Integer.valueOf(200), reply.getApplicationProperties().getValue().get("status-code"));
        return (Map<String, Object>) ((AmqpValue) reply.getBody()).getValue();
    }

    @Test
    void managementAnswersTheEventHubAndPartitionReads() throws Exception {
        List<String> sent = send("device1", 3, "mg");
        Message hubRequest = partitionRequest(null);
        hubRequest.getApplicationProperties().getValue().put("type", "com.microsoft:eventhub");
        hubRequest.getApplicationProperties().getValue().remove("partition");
        Map<String, Object> eventHub = management(hubRequest);
        assertEquals("simhub", eventHub.get("name"));
        assertArrayEquals(new String[]{"0", "1", "2", "3"}, (String[]) eventHub.get("partition_ids"));
        assertInstanceOf(Date.class, eventHub.get("created_at"));

        Map<String, Object> p = management(partitionRequest(P_DEVICE1));
        assertEquals(P_DEVICE1, p.get("partition"));
        assertEquals(0L, p.get("begin_sequence_number"));
        assertEquals(2L, p.get("last_enqueued_sequence_number"));
        assertEquals(Boolean.FALSE, p.get("is_partition_empty"));
        assertEquals(new Date(Instant.parse("2026-01-01T00:00:02Z").toEpochMilli()), p.get("last_enqueued_time_utc"));
        String lastOffset = (String) p.get("last_enqueued_offset");
        try (AmqpTestClient client = EventHubs.connect(hub())) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub(), "$Default", P_DEVICE1),
                    "amqp.annotation.x-opt-offset >= '" + lastOffset + "'", null, 10);
            assertEquals(sent.get(2), EventHubs.body(client.receive(r)));
        }
        Map<String, Object> empty = management(partitionRequest("1"));
        assertEquals(Boolean.TRUE, empty.get("is_partition_empty"));
        assertEquals(-1L, empty.get("last_enqueued_sequence_number"));
    }

    @Test
    void managementRefusesBadTokensAndUnknownPartitions() throws Exception {
        Message forged = partitionRequest("0");
        forged.getApplicationProperties().getValue().put("security_token",
                EventHubs.token(hub(), "service", EventHubs.audience(hub())).replaceFirst("sig=[^&]+", "sig=AAAA"));
        Message reply = managementReply(forged);
        assertEquals(Integer.valueOf(401), reply.getApplicationProperties().getValue().get("status-code"));
        Message unknown = managementReply(partitionRequest("7"));
        assertEquals(Integer.valueOf(404), unknown.getApplicationProperties().getValue().get("status-code"));
        assertTrue(unknown.getApplicationProperties().getValue().get("status-description").toString().contains(UNKNOWN_PARTITION));
    }

    @Test
    void theInfoCarriesTheEventHubConnectionStrings() {
        SimulatorInfo info = hub().info();
        String key = hub().hub().registry().policy("service").orElseThrow().primaryKey();
        assertEquals("simhub", info.eventHubCompatibleName());
        assertEquals("sb://localhost:" + hub().amqpsPort() + "/", info.eventHubCompatibleEndpoint());
        assertEquals("Endpoint=sb://localhost:" + hub().amqpsPort() + "/;SharedAccessKeyName=service;SharedAccessKey=" + key
                + ";EntityPath=simhub", info.eventHubConnectionString());
        assertEquals("Endpoint=sb://localhost:" + hub().amqpPort() + "/;SharedAccessKeyName=service;SharedAccessKey=" + key
                + ";EntityPath=simhub;UseDevelopmentEmulator=true", info.eventHubDevelopmentEmulatorConnectionString());
        assertEquals(List.of("$Default", GROUP2), info.eventHubConsumerGroups());
        assertNotNull(info.toJson());
        assertTrue(info.toJson().contains("\"eventHubConnectionString\""));
    }
}
