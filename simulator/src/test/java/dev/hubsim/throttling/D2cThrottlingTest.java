package dev.hubsim.throttling;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.MutableClock;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device-to-cloud throttling over AMQP on an S1 x 1 hub whose clock stands still, so the boundary is exact: with a
 * burst of one and a backlog of five, message 1 is Accepted at once, 2-6 are queued and Accepted at the rate, 7 on are
 * Rejected {@code com.microsoft:device-container-throttled} (429002); injected throttling and the exhausted quota.
 */
class D2cThrottlingTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.now());

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().configure(b -> b.clock(CLOCK)
            .throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(0).withBacklog(0.05, Duration.ofSeconds(10)))).build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    private static AmqpTestClient device(String id) throws Exception {
        AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/" + id, hub().deviceToken(id, Duration.ofHours(1)));
        return client;
    }

    private static Message telemetry(int n) {
        Message m = Proton.message();
        m.setMessageId("m" + n);
        m.setBody(new Data(AmqpTestClient.binary("message " + n)));
        return m;
    }

    @Test
    void overTheRateMessagesQueueAndPastTheBacklogAreThrottled() throws Exception {
        try (AmqpTestClient client = device("device1")) {
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            List<Delivery> sent = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                sent.add(client.sendAsync(sender, telemetry(i)));
            }
            for (int i = 1; i <= 12; i++) {
                DeliveryState outcome = client.awaitOutcome(sent.get(i - 1));
                if (i <= 6) {
                    assertInstanceOf(Accepted.class, outcome, "message " + i + " is within burst and backlog");
                } else {
                    Rejected rejected = assertInstanceOf(Rejected.class, outcome, "message " + i + " finds the backlog full");
                    assertEquals(Symbol.valueOf("com.microsoft:device-container-throttled"), rejected.getError().getCondition());
                    assertTrue(rejected.getError().getDescription().startsWith("ThrottleBacklogLimitExceeded (429002)"), rejected.getError().getDescription());
                }
            }
            assertEquals(List.of("m1", "m2", "m3", "m4", "m5", "m6"),
                    hub().telemetry("device1").stream().map(t -> String.valueOf(t.message().getMessageId())).toList(), "stored once each, in order");
            assertEquals(6, hub().throttling().throttled("device1", Operation.D2C_SEND));
            assertEquals(0, hub().throttling().throttled("device2", Operation.D2C_SEND));
            CLOCK.advance(Duration.ofMillis(60));
            assertInstanceOf(Accepted.class, client.send(sender, telemetry(13)), "the rate recovers as time passes");
        }
    }

    @Test
    void injectedThrottlingHitsTheNextNOfThatDeviceThenLetsGo() throws Exception {
        hub().faults().throttleNext("device2", Operation.D2C_SEND, 2);
        try (AmqpTestClient client = device("device2")) {
            Sender sender = client.sender(client.session(), "t", "/devices/device2/messages/events");
            for (int i = 1; i <= 2; i++) {
                Rejected rejected = assertInstanceOf(Rejected.class, client.send(sender, telemetry(i)));
                assertEquals(Symbol.valueOf("com.microsoft:device-container-throttled"), rejected.getError().getCondition());
                assertTrue(rejected.getError().getDescription().startsWith("ThrottlingException (429001)"), rejected.getError().getDescription());
            }
            assertInstanceOf(Accepted.class, client.send(sender, telemetry(3)));
            assertEquals(2, hub().throttling().throttled("device2", Operation.D2C_SEND));
            assertEquals(java.util.Map.of("device2", java.util.Map.of("d2c", 2L)), hub().throttling().throttledCounts());
        }
    }

    @Test
    void anExhaustedDailyQuotaRejectsWithResourceLimitExceededUntilCleared() throws Exception {
        try (AmqpTestClient client = device("device3")) {
            Sender sender = client.sender(client.session(), "t", "/devices/device3/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, telemetry(1)));
            assertEquals(1, hub().throttling().dailyQuotaUsed(), "a message under 4 KB counts once");
            assertEquals(400_000, hub().throttling().dailyQuota());
            hub().faults().exhaustDailyQuota();
            Rejected rejected = assertInstanceOf(Rejected.class, client.send(sender, telemetry(2)));
            assertEquals(Symbol.valueOf("amqp:resource-limit-exceeded"), rejected.getError().getCondition());
            assertTrue(rejected.getError().getDescription().startsWith("IotHubQuotaExceeded (403002)"), rejected.getError().getDescription());
            hub().faults().clear();
            assertInstanceOf(Accepted.class, client.send(sender, telemetry(3)));
        }
    }
}
