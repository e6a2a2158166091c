package dev.hubsim.faults;

import dev.hubsim.errors.Condition;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every fault kind, seen from the client and found in the trace of the connection it hit. */
class FaultInjectionTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();

    private static final String EVENTS = "/devices/device1/messages/events";

    @AfterEach
    void clear() {
        HUB.simulator().faults().clear();
    }

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    /** A device1 connection over CBS, with its claim in place. */
    private static AmqpTestClient device1() throws Exception {
        AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
        return client;
    }

    private static Message telemetry(String body) {
        Message m = Proton.message();
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }

    private static boolean traced(String fault) {
        return hub().traces().query().type(TraceRecord.FrameType.FAULT).where(r -> fault.equals(r.fields().get("fault"))).first().isPresent();
    }

    @Test
    void anAbruptDropResetsTheSocketWithoutAnAmqpClose() throws Exception {
        try (AmqpTestClient client = device1()) {
            assertEquals(1, hub().faults().resetConnections(Scope.device("device1")));
            client.awaitSocketClosed();
            assertNotEquals(EndpointState.CLOSED, client.remoteConnectionState(), "no Close frame came first");
            assertTrue(traced("connection reset"));
        }
    }

    @Test
    void aGracefulDropClosesWithTheGivenCondition() throws Exception {
        try (AmqpTestClient client = device1()) {
            hub().faults().closeConnections(Scope.device("device1"), Condition.CONNECTION_FORCED, "maintenance");
            ErrorCondition error = client.awaitConnectionClosed();
            assertEquals(Symbol.valueOf("amqp:connection:forced"), error.getCondition());
            assertEquals("maintenance", error.getDescription());
            assertTrue(traced("connection closed"));
        }
    }

    @Test
    void expiringAClaimNowDetachesItsLinks() throws Exception {
        try (AmqpTestClient client = device1()) {
            Sender sender = client.sender(client.session(), "t", EVENTS);
            assertEquals(1, hub().faults().expireClaims(Scope.device("device1")));
            ErrorCondition error = client.awaitClosed(sender);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().startsWith("Token Invalid."), error.getDescription());
            assertTrue(traced("claims expired now"));
        }
    }

    @Test
    void heldAnswersComeNoEarlierThanTheHoldAndTheLinkThenWorks() throws Exception {
        try (AmqpTestClient client = device1()) {
            hub().faults().holdAnswers(Scope.device("device1"), Duration.ofMillis(400));
            long start = System.nanoTime();
            Session session = client.beginSession();
            client.await("the hub's held Begin", () -> session.getRemoteState() != EndpointState.UNINITIALIZED);
            long beginMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            Sender sender = client.sender(session, "held", EVENTS);
            long attachMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(beginMillis >= 400 && attachMillis >= 400, "Begin answered after " + beginMillis + " ms, Attach after " + attachMillis);
            assertTrue(client.isAttached(sender), "the held attach is answered normally");
            assertTrue(client.send(sender, telemetry("after the hold")) instanceof Accepted);
            assertTrue(traced("begin answer held") && traced("attach answer held"));
            hub().faults().clear();
            start = System.nanoTime();
            client.session();
            assertTrue((System.nanoTime() - start) / 1_000_000 < 400, "cleared: answered at once");
        }
    }

    @Test
    void theNextAttachesAreRefusedThenServedAgain() throws Exception {
        try (AmqpTestClient client = device1()) {
            hub().faults().refuseNextAttaches(Scope.device("device1").andPath("/messages/events"), 2, Condition.TIMEOUT, "busy");
            Session session = client.session();
            for (int i = 0; i < 2; i++) {
                ErrorCondition error = client.awaitClosed(client.sender(session, "r" + i, EVENTS));
                assertEquals(Symbol.valueOf("com.microsoft:timeout"), error.getCondition());
                assertEquals("busy", error.getDescription());
            }
            assertTrue(client.isAttached(client.sender(session, "third", EVENTS)), "the fault was used up after two attaches");
            assertTrue(traced("attach refused"));
        }
    }

    @Test
    void aForcedRedirectCarriesTheInfoMap() throws Exception {
        try (AmqpTestClient client = device1()) {
            hub().faults().redirectNextAttaches(Scope.path("/messages/devicebound"), 1, "other.example", "127.0.0.1", 5671,
                    "amqps://other.example:5671/devices/device1/messages/devicebound");
            Receiver receiver = client.receiver(client.session(), "c2d", "/devices/device1/messages/devicebound", 1);
            ErrorCondition error = client.awaitClosed(receiver);
            assertEquals(Symbol.valueOf("amqp:link:redirect"), error.getCondition());
            Map<Object, Object> info = new LinkedHashMap<>(error.getInfo());
            assertEquals("other.example", info.get(Symbol.valueOf("hostname")));
            assertEquals("127.0.0.1", info.get(Symbol.valueOf("network-host")));
            assertEquals(5671, info.get(Symbol.valueOf("port")));
            assertEquals("amqps://other.example:5671/devices/device1/messages/devicebound", info.get(Symbol.valueOf("address")));
            assertTrue(traced("attach refused"));
        }
    }

    @Test
    void creditCanBeSetToZeroAndGrantedAgain() throws Exception {
        try (AmqpTestClient client = device1()) {
            Sender sender = client.sender(client.session(), "t", EVENTS);
            client.await("the window's credit", () -> client.credit(sender) > 0);
            assertEquals(1, hub().faults().setCredit(Scope.device("device1").andPath("/messages/events"), 0));
            client.await("credit taken away", () -> client.credit(sender) == 0);
            hub().faults().grantCredit(Scope.device("device1").andPath("/messages/events"), 5);
            client.await("5 credits granted", () -> client.credit(sender) == 5);
            assertTrue(traced("credit set"));
            assertTrue(traced("credit granted"));
        }
    }

    @Test
    void cbsRepliesCanBeDelayedOrDropped() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            hub().faults().delayCbsReplies(Scope.all(), Duration.ofMillis(400));
            long start = System.nanoTime();
            cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 380, "the reply came after the delay");
            assertTrue(traced("cbs reply delayed"));
            hub().faults().clear();

            hub().faults().dropCbsReplies(Scope.all(), 1);
            UUID dropped = UUID.randomUUID();
            UUID answered = UUID.randomUUID();
            Map<String, Object> props = new LinkedHashMap<>(Map.of("operation", "put-token", "type", CbsClient.SAS_TOKEN_TYPE, "name", "127.0.0.1/devices/device2"));
            cbs.sendOnly(dropped, props, new AmqpValue(hub().deviceToken("device2", Duration.ofHours(1))));
            CbsClient.Reply reply = cbs.request(answered, props, new AmqpValue(hub().deviceToken("device2", Duration.ofHours(1))));
            assertEquals(answered, reply.correlationId(), "the first reply never came; the next one did");
            assertTrue(traced("cbs reply dropped"));
        }
    }

    @Test
    void dispositionsCanBeDelayed() throws Exception {
        try (AmqpTestClient client = device1()) {
            Sender sender = client.sender(client.session(), "t", EVENTS);
            hub().faults().delayDispositions(Scope.path("/messages/events"), Duration.ofMillis(400));
            long start = System.nanoTime();
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("slow")));
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 380, "the outcome came after the delay");
            assertTrue(traced("disposition delayed"));
        }
    }

    @Test
    void theNextTransfersAreRejectedWithTheGivenCondition() throws Exception {
        try (AmqpTestClient client = device1()) {
            Sender sender = client.sender(client.session(), "t", EVENTS);
            hub().faults().rejectNextTransfers(Scope.device("device1"), 1, Condition.DEVICE_CONTAINER_THROTTLED, "slow down");
            Rejected rejected = assertInstanceOf(Rejected.class, client.send(sender, telemetry("throttled")));
            assertEquals(Symbol.valueOf("com.microsoft:device-container-throttled"), rejected.getError().getCondition());
            assertEquals("slow down", rejected.getError().getDescription());
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("fine again")));
            assertTrue(traced("transfer rejected"));
        }
    }
}
