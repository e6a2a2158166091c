package dev.hubsim.limits;

import dev.hubsim.HubSimulator;
import dev.hubsim.faults.Scope;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CountedSize;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The credit the hub grants a client's sending link, by policy (seed imp-amqp-object.txt, imp-amqpsender-createtransfer.txt). */
class CreditTest {

    private static AmqpTestClient device1(HubSimulator hub) throws Exception {
        return AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain("device1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen();
    }

    private static Message telemetry(String body) {
        Message m = Proton.message();
        m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    @Test
    void theBucketGrantsFortyThenRegeneratesTwoPerSecond() throws Exception {
        try (HubSimulator hub = ImpLimitsTest.start(LimitProfile.imp()); AmqpTestClient client = device1(hub)) {
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            client.await("the bucket's 40 credits", () -> client.credit(sender) == 40);
            List<Delivery> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(client.sendAsync(sender, telemetry("m" + i)));
            }
            long emptiedAt = System.nanoTime();
            assertEquals(0, client.credit(sender), "all 40 credits used at once");
            for (Delivery d : sent) {
                assertInstanceOf(Accepted.class, client.awaitOutcome(d));
            }
            client.await("4 regenerated credits", () -> client.credit(sender) >= 4);
            double seconds = (System.nanoTime() - emptiedAt) / 1e9;
            // 2 per second: the 4th credit comes after 2 s; the 100 ms ticker, loopback and a busy machine add a little.
            assertTrue(seconds >= 1.8 && seconds <= 4.0, "4 credits took " + seconds + " s (a slower rate than 2/s would take 4 s or more)");
            assertEquals(4, client.credit(sender), "not more than the rate allows");
        }
    }

    @Test
    void theBucketIsTheClientsAcrossItsLinksAndConnections() throws Exception {
        // "You have credit for 40 messages"; "Each agent is therefore restricted to" (seeds/imp-amqp-object.txt)
        try (HubSimulator hub = ImpLimitsTest.start(LimitProfile.imp()); AmqpTestClient client = device1(hub);
             AmqpTestClient second = device1(hub)) {
            Sender first = client.sender(client.session(), "a", "/devices/device1/messages/events");
            client.await("the bucket's 40 credits", () -> client.credit(first) == 40);
            Sender sameConnection = client.sender(client.session(), "b", "/devices/device1/messages/events");
            Sender otherConnection = second.sender(second.session(), "c", "/devices/device1/messages/events");
            client.roundTrip();
            second.roundTrip();
            Thread.sleep(1500); // what must not come: a refill while 40 credits are held unused
            assertEquals(0, client.credit(sameConnection) + second.credit(otherConnection), "the other links get none of a held bucket");
            for (int i = 0; i < 10; i++) {
                assertInstanceOf(Accepted.class, client.send(first, telemetry("m" + i)));
            }
            // 10 used: the room refills at 2 per second, shared by the three links.
            AmqpTestClient.awaitCondition("2 credits regenerated for the client's links", Duration.ofSeconds(5),
                    () -> client.credit(first) + client.credit(sameConnection) + second.credit(otherConnection) >= 32);
            assertTrue(client.credit(first) + client.credit(sameConnection) + second.credit(otherConnection) <= 40, "never over 40");
        }
    }

    @Test
    void aWindowIsToppedUpOnceATenthIsUsedAndSettled() throws Exception {
        LimitProfile profile = LimitProfile.iothub().withCredit(LinkKind.TELEMETRY, CreditPolicy.window(20));
        try (HubSimulator hub = ImpLimitsTest.start(profile); AmqpTestClient client = device1(hub)) {
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            client.await("the window's 20 credits", () -> client.credit(sender) == 20);
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("one")));
            client.roundTrip();
            assertEquals(19, client.credit(sender), "one used of twenty: not topped up yet");
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("two")));
            client.await("topped up to 20 after the second (a tenth of 20)", () -> client.credit(sender) == 20);
            long flows = hub.traces().query().path("/devices/device1/messages/events").type(TraceRecord.FrameType.FLOW)
                    .direction(TraceRecord.Direction.OUT).list().size();
            assertEquals(2, flows, "the initial grant and one top-up");
        }
    }

    @Test
    void withManualCreditZeroTransfersWaitUntilCreditIsGrantedThenAllArriveInOrder() throws Exception {
        LimitProfile profile = LimitProfile.iothub().withCredit(LinkKind.TELEMETRY, CreditPolicy.manual(0));
        try (HubSimulator hub = ImpLimitsTest.start(profile); AmqpTestClient client = device1(hub)) {
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            List<Delivery> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(client.sendAsync(sender, telemetry("queued-" + i)));
            }
            client.roundTrip();
            assertEquals(0, hub.telemetry("device1").size(), "nothing was delivered without credit");
            assertTrue(hub.traces().query().type(TraceRecord.FrameType.TRANSFER).path("/devices/device1/messages/events").list().isEmpty(),
                    "no transfer frame reached the hub");

            assertEquals(1, hub.faults().grantCredit(Scope.path("/messages/events"), 3));
            for (Delivery d : queued) {
                assertInstanceOf(Accepted.class, client.awaitOutcome(d));
            }
            assertEquals(List.of("queued-0", "queued-1", "queued-2"),
                    hub.telemetry("device1").stream().map(t -> new String(t.body(), StandardCharsets.UTF_8)).toList());
        }
    }

    @Test
    void aTransferWithoutCreditDetachesTheLinkAndIsTraced() throws Exception {
        LimitProfile profile = LimitProfile.iothub().withCredit(LinkKind.CBS, CreditPolicy.manual(0));
        try (HubSimulator hub = ImpLimitsTest.start(profile);
             AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            Sender cbs = client.sender(client.session(), "cbs-sender", "$cbs"); // channel 0, handle 0, no credit
            assertEquals(0, client.credit(cbs));
            client.injectTransferWithoutCredit(AmqpTestClient.encodeForTest(telemetry("uninvited")));
            ErrorCondition error = client.awaitClosed(cbs);
            assertEquals(Symbol.valueOf("amqp:link:transfer-limit-exceeded"), error.getCondition());
            assertTrue(hub.traces().query().type(TraceRecord.FrameType.VIOLATION).path("$cbs").first().isPresent());
        }
    }

    @Test
    void aDeviceToCloudMessageOf256KiBIsAcceptedAndOneByteMoreIsRejected() throws Exception {
        int limit = 256 * 1024; // 256 KB (reference/iothub-amqp.md §8.1), counted as documented (body + properties)
        try (HubSimulator hub = ImpLimitsTest.start(LimitProfile.iothub()); AmqpTestClient client = device1(hub)) {
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, CountedSize.pad(Proton.message(), limit)), "exactly at the limit");
            Rejected rejected = assertInstanceOf(Rejected.class, client.send(sender, CountedSize.pad(Proton.message(), limit + 1)));
            assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), rejected.getError().getCondition());
            assertEquals("The device-to-cloud message is 262145 bytes; the hub accepts at most 262144.", rejected.getError().getDescription());
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("small")), "the link keeps working");
            assertEquals(2, hub.telemetry("device1").size(), "the one at the limit and the small one are stored");
        }
    }
}
