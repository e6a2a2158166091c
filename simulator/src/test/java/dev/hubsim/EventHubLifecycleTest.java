package dev.hubsim;

import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.EventHubs;
import dev.hubsim.testing.Waits;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event Hub receivers within the hub's connection lifecycle: claim expiry, and a reset of the simulator. */
class EventHubLifecycleTest {
    @RegisterExtension
    final HubSimulatorExtension simulator = HubSimulatorExtension.builder().configure(b -> b.maxTokenLifetime(Duration.ofSeconds(2))).build();

    @Test
    void aReceiverIsDetachedWhenTheEventHubClaimThatOpenedItExpires() throws Exception {
        HubSimulator hub = simulator.simulator();
        try (AmqpTestClient client = EventHubs.connect(hub)) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub, "$Default", "0"), null, null, 10);
            assertTrue(client.isAttached(r));
            ErrorCondition error = client.awaitClosed(r);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().startsWith("Token Invalid. The token for audience 'localhost/simhub' expired"), error.getDescription());
        }
        Waits.until("the receiver's place freed", () -> hub.eventHub().readers("$Default", "0") == 0);
    }

    @Test
    void resetForgetsStoredEventsButNumberingGoesOn() throws Exception {
        HubSimulator hub = simulator.simulator();
        send(hub, "before");
        assertEquals(1, hub.telemetryCount());
        hub.reset();
        assertEquals(0, hub.telemetryCount());
        send(hub, "after");
        try (AmqpTestClient client = EventHubs.connect(hub)) {
            Receiver r = EventHubs.receiver(client, client.session(), "r", EventHubs.partitionAddress(hub, "$Default", "0"), null, null, 10);
            Message first = client.receive(r);
            assertEquals("after", EventHubs.body(first));
            assertEquals(1L, EventHubs.sequenceNumber(first));
        }
    }

    private static void send(HubSimulator hub, String body) throws Exception {
        // device2 hashes to partition 0.
        try (AmqpTestClient device = EventHubs.device(hub, "device2")) {
            Sender sender = EventHubs.deviceSender(device, hub, "device2");
            assertInstanceOf(Accepted.class, device.send(sender, EventHubs.telemetry(body, null)));
        }
    }
}
