package dev.hubsim.limits;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds' per-agent limits (seed imp-amqp-object.txt): 4 connections, 16 sessions, 64 links per client, refused
 * with AMQP's own framing and {@code amqp:resource-limit-exceeded}; a closed object frees its slot at once.
 */
class ImpLimitsTest {
    private static final Symbol LIMIT = Symbol.valueOf("amqp:resource-limit-exceeded");

    static HubSimulator start(LimitProfile profile) {
        return HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).limits(profile).start();
    }

    private static AmqpTestClient plain(HubSimulator hub, String device) throws Exception {
        return AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain(device + "@sas.simhub", hub.deviceToken(device, Duration.ofHours(1))));
    }

    @Test
    void theFifthConnectionOfAClientGetsOpenThenCloseAndAFreedSlotIsReusable() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp())) {
            List<AmqpTestClient> four = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                four.add(plain(hub, "device1").awaitOpen());
            }
            try (AmqpTestClient fifth = plain(hub, "device1")) {
                ErrorCondition error = fifth.awaitConnectionClosed();
                assertEquals(LIMIT, error.getCondition());
                assertEquals("max connection limit reached (4)", error.getDescription());
            }
            try (AmqpTestClient otherClient = plain(hub, "device2").awaitOpen()) {
                assertEquals(org.apache.qpid.proton.engine.EndpointState.ACTIVE, otherClient.remoteConnectionState(), "the limit is per client");
            }
            four.remove(0).closeGracefully();
            try (AmqpTestClient again = plain(hub, "device1").awaitOpen()) {
                Session s = again.session();
                assertTrue(s.getRemoteState() == org.apache.qpid.proton.engine.EndpointState.ACTIVE, "the freed slot was reused");
            }
            four.forEach(AmqpTestClient::close);
            assertTrue(hub.traces().query().type(TraceRecord.FrameType.LIMIT).where(r -> "connection".equals(r.fields().get("refused"))).first().isPresent());
        }
    }

    @Test
    void theSeventeenthSessionGetsBeginThenEndAndAFreedSlotIsReusable() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp()); AmqpTestClient client = plain(hub, "device1").awaitOpen()) {
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                sessions.add(client.session());
            }
            Session seventeenth = client.session();
            ErrorCondition error = client.awaitClosed(seventeenth);
            assertEquals(LIMIT, error.getCondition());
            assertEquals("max session limit reached (16)", error.getDescription());

            client.endSession(sessions.get(0));
            Session replacement = client.session();
            client.roundTrip();
            assertEquals(org.apache.qpid.proton.engine.EndpointState.ACTIVE, replacement.getRemoteState(), "the freed slot was reused");
        }
    }

    @Test
    void theSixtyFifthLinkIsRefusedWithTheRefusalFramingAndAFreedSlotIsReusable() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp()); AmqpTestClient client = plain(hub, "device1").awaitOpen()) {
            Session session = client.session();
            List<Sender> links = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Sender s = client.sender(session, "t" + i, "/devices/device1/messages/events");
                assertTrue(client.isAttached(s), "link " + (i + 1) + " attached");
                links.add(s);
            }
            Sender sixtyFifth = client.sender(session, "t64", "/devices/device1/messages/events");
            ErrorCondition error = client.awaitClosed(sixtyFifth);
            assertEquals(LIMIT, error.getCondition());
            assertEquals("max link limit reached (64)", error.getDescription());

            client.detach(links.get(0));
            Sender again = client.sender(session, "again", "/devices/device1/messages/events");
            assertTrue(client.isAttached(again), "the freed slot was reused");
            // A refused link took no slot: after the refusal, still exactly one free slot was needed above.
            Sender oneTooMany = client.sender(session, "over", "/devices/device1/messages/events");
            assertEquals(LIMIT, client.awaitClosed(oneTooMany).getCondition());
        }
    }

    @Test
    void linksCountAcrossTheConnectionsOfOneClient() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp().with(LimitKind.LINKS_PER_CLIENT, 3, LimitMode.ENFORCE));
             AmqpTestClient a = plain(hub, "device1").awaitOpen(); AmqpTestClient b = plain(hub, "device1").awaitOpen()) {
            assertTrue(a.isAttached(a.sender(a.session(), "1", "/devices/device1/messages/events")));
            assertTrue(a.isAttached(a.sender(a.session(), "2", "/devices/device1/messages/events")));
            assertTrue(b.isAttached(b.sender(b.session(), "3", "/devices/device1/messages/events")));
            assertEquals("max link limit reached (3)", b.awaitClosed(b.sender(b.session(), "4", "/devices/device1/messages/events")).getDescription());
        }
    }

    @Test
    void warnModeAllowsAndCountsAndOffModeAllowsSilently() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp().withMode(LimitKind.SESSIONS_PER_CLIENT, LimitMode.WARN));
             AmqpTestClient client = plain(hub, "device1").awaitOpen()) {
            for (int i = 0; i < 17; i++) {
                client.session();
            }
            client.roundTrip(); // the 18th session
            assertEquals(2, hub.limits().warnings(LimitKind.SESSIONS_PER_CLIENT), "the 17th and 18th sessions were allowed with a warning");
        }
        try (HubSimulator hub = start(LimitProfile.imp().withMode(LimitKind.SESSIONS_PER_CLIENT, LimitMode.OFF));
             AmqpTestClient client = plain(hub, "device1").awaitOpen()) {
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sessions.add(client.session());
            }
            client.roundTrip();
            assertTrue(sessions.stream().allMatch(s -> s.getRemoteState() == org.apache.qpid.proton.engine.EndpointState.ACTIVE));
            assertEquals(0, hub.limits().warnings(LimitKind.SESSIONS_PER_CLIENT));
        }
    }

    @Test
    void theIothubProfileLeavesConnectionSessionAndLinkCountsOpen() throws Exception {
        try (HubSimulator hub = start(LimitProfile.iothub())) {
            List<AmqpTestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(plain(hub, "device1").awaitOpen());
                }
                AmqpTestClient client = clients.get(0);
                for (int i = 0; i < 17; i++) {
                    client.session();
                }
                Session session = client.session();
                for (int i = 0; i < 65; i++) {
                    assertTrue(client.isAttached(client.sender(session, "t" + i, "/devices/device1/messages/events")), "link " + (i + 1));
                }
                assertEquals(org.apache.qpid.proton.engine.EndpointState.ACTIVE, clients.get(4).remoteConnectionState(), "the 5th connection too");
            } finally {
                clients.forEach(AmqpTestClient::close);
            }
            assertEquals(0, hub.limits().warnings(LimitKind.SESSIONS_PER_CLIENT));
        }
    }

    @Test
    void clientsWithoutASaslIdentityAreCountedByContainerId() throws Exception {
        try (HubSimulator hub = start(LimitProfile.imp().with(LimitKind.CONNECTIONS_PER_CLIENT, 1, LimitMode.ENFORCE));
             AmqpTestClient one = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), "agent-7").awaitOpen();
             AmqpTestClient two = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), "agent-7");
             AmqpTestClient other = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), "agent-8").awaitOpen()) {
            assertEquals("max connection limit reached (1)", two.awaitConnectionClosed().getDescription());
            new CbsClient(other).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        }
    }
}
