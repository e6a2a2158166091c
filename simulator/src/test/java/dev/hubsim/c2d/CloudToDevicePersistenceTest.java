package dev.hubsim.c2d;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubsim.HubSimulator;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.Received;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.engine.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With persistence on, queued messages, their delivery counts and untaken feedback survive a restart. */
class CloudToDevicePersistenceTest {

    private static HubSimulator start(Path dir) {
        return HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).persistent(true)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(100))).start();
    }

    @Test
    void queuedMessagesAndPendingFeedbackSurviveARestart(@TempDir Path dir) throws Exception {
        long firstSequence;
        try (HubSimulator hub = start(dir); C2dClients clients = new C2dClients(hub)) {
            clients.send(C2dClients.c2d("device1", "done", "full", "one"));
            clients.send(C2dClients.c2d("device1", "kept-1", "full", "two"));
            Receiver inbox = clients.deviceInbox("device1", 1);
            AmqpTestClient device = clients.device("device1");
            Received done = device.receiveUnsettled(inbox);
            firstSequence = ((UnsignedLong) done.message().getMessageAnnotations().getValue().get(Symbol.valueOf("x-opt-sequence-number"))).longValue();
            device.settle(done, Accepted.getInstance());
            Received kept = device.receiveUnsettled(inbox);
            assertEquals("kept-1", kept.message().getMessageId());
            device.settle(kept, Released.getInstance()); // abandoned once: count 1 must survive
            device.roundTrip();
            assertEquals(1, hub.cloudToDevice().depth("device1"));
        }
        try (HubSimulator hub = start(dir); C2dClients clients = new C2dClients(hub)) {
            assertEquals(1, hub.cloudToDevice().depth("device1"), "the message still queued at stop is queued again");
            JsonNode success = clients.awaitFeedbackFor("done");
            assertEquals("Success", success.get("statusCode").asText());

            Receiver inbox = clients.deviceInbox("device1", 1);
            AmqpTestClient device = clients.device("device1");
            Received again = device.receiveUnsettled(inbox);
            assertEquals("kept-1", again.message().getMessageId());
            assertEquals(UnsignedByte.valueOf((byte) 1), again.message().getMessageAnnotations().getValue().get(Symbol.valueOf("iothub-deliverycount")));
            device.settle(again, Accepted.getInstance());

            clients.send(C2dClients.c2d("device1", "after-restart", "none", "four"));
            Received fresh = device.receiveUnsettled(inbox);
            long freshSequence = ((UnsignedLong) fresh.message().getMessageAnnotations().getValue().get(Symbol.valueOf("x-opt-sequence-number"))).longValue();
            assertTrue(freshSequence > firstSequence + 1, "sequence numbers continue without reuse: " + freshSequence);
            device.settle(fresh, Accepted.getInstance());
        }
    }
}
