package dev.hubsim;

import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.EventHubs;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With persistence on, retained events, their positions and the next sequence number survive a restart. */
class EventHubPersistenceTest {

    private static HubSimulator start(Path dir, boolean persistent) {
        return HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).persistent(persistent).telemetryRetained(3).start();
    }

    private static void send(HubSimulator hub, String... bodies) throws Exception {
        try (AmqpTestClient device = EventHubs.device(hub, "device2")) {
            Sender sender = EventHubs.deviceSender(device, hub, "device2");
            for (String body : bodies) {
                assertInstanceOf(Accepted.class, device.send(sender, EventHubs.telemetry(body, Map.of("k", body))));
            }
        }
    }

    private static List<Message> readPartition0(HubSimulator hub, int count) throws Exception {
        List<Message> out = new ArrayList<>();
        try (AmqpTestClient client = EventHubs.connect(hub)) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub, "$Default", "0"), null, null, 10);
            for (int i = 0; i < count; i++) {
                out.add(client.receive(r));
            }
        }
        return out;
    }

    @Test
    void retainedEventsSurviveARestartWithTheirPositions(@TempDir Path dir) throws Exception {
        List<Message> before;
        try (HubSimulator hub = start(dir, true)) {
            send(hub, "a", "b", "c", "d");
            before = readPartition0(hub, 3);
        }
        assertEquals(List.of("b", "c", "d"), before.stream().map(EventHubs::body).toList(), "retention kept the last 3");
        try (HubSimulator hub = start(dir, true)) {
            List<Message> after = readPartition0(hub, 3);
            assertEquals(List.of("b", "c", "d"), after.stream().map(EventHubs::body).toList());
            for (int i = 0; i < 3; i++) {
                assertEquals(EventHubs.sequenceNumber(before.get(i)), EventHubs.sequenceNumber(after.get(i)));
                assertEquals(EventHubs.offset(before.get(i)), EventHubs.offset(after.get(i)));
                assertEquals(EventHubs.enqueuedTime(before.get(i)), EventHubs.enqueuedTime(after.get(i)));
                assertEquals(before.get(i).getApplicationProperties().getValue(), after.get(i).getApplicationProperties().getValue());
            }
            send(hub, "e");
            assertEquals(4L, EventHubs.sequenceNumber(readPartition0(hub, 3).get(2)), "numbering continues after the restart");
            assertEquals(List.of("c", "d", "e"), hub.telemetry("device2").stream().map(t -> new String(t.body())).toList());
        }
        try (HubSimulator hub = start(dir, false)) {
            assertTrue(hub.telemetry("device2").isEmpty(), "without persistence nothing is read back");
        }
    }
}
