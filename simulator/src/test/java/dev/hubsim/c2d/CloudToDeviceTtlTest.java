package dev.hubsim.c2d;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.MutableClock;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Time to live end to end, over AMQP, on the hub's clock moved by the test (reference/iothub-amqp.md §7.5; HUB-C2D-013,
 * HUB-C2D-014): the default is 1 hour, a message's own {@code absolute-expiry-time} is kept, and no message lives longer
 * than 2 days. Two messages are sent 1 ms apart and the clock is moved to the first one's expiry: the first is never
 * delivered and comes back as Expired feedback, the second, with 1 ms left, is delivered.
 */
class CloudToDeviceTtlTest {
    /** The hub's one clock; the cases share it and each measures from its own sends. */
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(System.currentTimeMillis()));

    @RegisterExtension
    static final HubSimulatorExtension simulator = HubSimulatorExtension.builder()
            .hub(new HubConfig("simhub", null, Stream.of("ttl-default", "ttl-own", "ttl-capped")
                    .map(id -> new HubConfig.DeviceSpec(id, null, null, null)).toList(), null))
            .configure(b -> b.clock(clock).cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(150))))
            .build();

    @ParameterizedTest(name = "{0}: asked {1}, lives {2}")
    @CsvSource({
            "ttl-default, ,       PT1H",  // no absolute-expiry-time: the default, 1 hour
            "ttl-own,     PT90S,  PT90S", // the message's own expiry
            "ttl-capped,  P5D,    P2D",   // asked for 5 days: at most 2
    })
    void aMessageIsDeliveredUntilItsTimeToLiveEndsAndNeverAfter(String deviceId, Duration asked, Duration lives) throws Exception {
        HubSimulator hub = simulator.simulator();
        try (C2dClients clients = new C2dClients(hub)) {
            clients.feedbackReceiver("/messages/serviceBound/feedback"); // attached before the clock moves
            String expiring = "expiring-" + UUID.randomUUID();
            assertInstanceOf(Accepted.class, clients.send(message(deviceId, expiring, asked)));
            clock.advance(Duration.ofMillis(1));
            String live = "live-" + UUID.randomUUID();
            assertInstanceOf(Accepted.class, clients.send(message(deviceId, live, asked)));

            clock.advance(lives.minusMillis(1)); // the first message's expiry; the second has 1 ms left
            Receiver inbox = clients.deviceInbox(deviceId, 10);
            AmqpTestClient device = clients.device(deviceId);
            AmqpTestClient.Received received = device.receiveUnsettled(inbox);
            assertEquals(live, received.message().getMessageId(), "the expired message is skipped, the live one delivered");
            device.settle(received, Accepted.getInstance());
            device.roundTrip();
            assertFalse(device.hasMessage(inbox), "nothing else is delivered");
            assertEquals(0, hub.cloudToDevice().depth(deviceId));

            JsonNode expired = clients.awaitFeedbackFor(expiring);
            assertEquals("Expired", expired.get("statusCode").asText());
            assertEquals("Message expired", expired.get("description").asText());
            assertEquals(deviceId, expired.get("deviceId").asText());
            assertEquals("Success", clients.awaitFeedbackFor(live).get("statusCode").asText());
        }
    }

    private static Message message(String deviceId, String id, Duration asked) {
        Message m = C2dClients.c2d(deviceId, id, "full", "ttl");
        if (asked != null) {
            m.getProperties().setAbsoluteExpiryTime(Date.from(clock.instant().plus(asked)));
        }
        return m;
    }
}
