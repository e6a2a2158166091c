package dev.hubsim;

import dev.hubsim.auth.SasTokens;
import dev.hubsim.junit.HubSimulatorTest;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.registry.Device;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's device-facing AMQP face over real TLS and real Proton-J: SASL, $cbs, claims, link paths, telemetry, C2D. */
@HubSimulatorTest
class HubFaceTest {
    private HubSimulator hub;

    @BeforeEach
    void bind(HubSimulator simulator) {
        this.hub = simulator;
    }

    private AmqpTestClient tls(SaslChoice sasl) throws Exception {
        return AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), sasl).awaitOpen();
    }

    private static String audience(String deviceId) {
        return "127.0.0.1/devices/" + deviceId;
    }

    private static Message telemetry(String body) {
        Message m = Proton.message();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }

    // --- SASL PLAIN -------------------------------------------------------------------------------------------

    @Test
    void saslPlainWithADeviceTokenOpensAndMaySendTelemetry() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.plain("device1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1))))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.saslOutcome());
            Sender sender = client.sender(client.session(), "telemetry", "/devices/device1/messages/events");
            assertTrue(client.isAttached(sender));
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("plain")));
        }
    }

    @Test
    void saslPlainWithAPolicyTokenOpens() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.plain("iothubowner@sas.root.simhub", hub.policyToken("iothubowner", Duration.ofHours(1))))) {
            Sender sender = client.sender(client.session(), "c2d", "/messages/devicebound");
            assertTrue(client.isAttached(sender));
        }
    }

    @Test
    void saslPlainWithABadSignatureFailsAuthentication() throws Exception {
        String forged = hub.deviceToken("device1", Duration.ofHours(1)).replaceFirst("sig=[^&]+", "sig=" + "A".repeat(43) + "%3D");
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.plain("device1@sas.simhub", forged))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.awaitSaslOutcome());
        }
    }

    @Test
    void saslPlainWithAnotherDevicesTokenFailsAuthentication() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain("device1@sas.simhub", hub.deviceToken("device2", Duration.ofHours(1))))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.awaitSaslOutcome());
        }
    }

    @Test
    void saslPlainWithAMalformedUserNameFailsAuthentication() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.plain("device1", hub.deviceToken("device1", Duration.ofHours(1))))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.awaitSaslOutcome());
        }
    }

    // --- ANONYMOUS + CBS --------------------------------------------------------------------------------------

    @Test
    void putTokenGrantsTheDeviceItsLinksWithAnIntStatusAndTheSameCorrelationId() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            Session session = client.session();
            Sender before = client.sender(session, "early", "/devices/device1/messages/events");
            ErrorCondition refused = client.awaitClosed(before);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), refused.getCondition());

            UUID id = UUID.randomUUID();
            CbsClient.Reply reply = new CbsClient(client).putToken(id, audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            assertInstanceOf(Accepted.class, reply.requestOutcome());
            assertEquals(Integer.valueOf(200), reply.statusCode());
            assertEquals("OK", reply.statusDescription());
            assertEquals(id, reply.correlationId());

            Sender after = client.sender(session, "late", "/devices/device1/messages/events");
            assertTrue(client.isAttached(after));
            assertInstanceOf(Accepted.class, client.send(after, telemetry("after put-token")));
        }
    }

    @ParameterizedTest(name = "message-id of type {0}")
    @ValueSource(strings = {"uuid", "string", "ulong", "binary"})
    void correlationIdKeepsTheRequestsAmqpType(String type) throws Exception {
        Object id = switch (type) {
            case "uuid" -> UUID.randomUUID();
            case "string" -> "req-" + UUID.randomUUID();
            case "ulong" -> UnsignedLong.valueOf(42);
            default -> new Binary(new byte[]{1, 2, 3});
        };
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient.Reply reply = new CbsClient(client).putToken(id, audience("device2"), hub.deviceToken("device2", Duration.ofHours(1)));
            assertEquals(id.getClass(), reply.correlationId().getClass());
            assertEquals(id, reply.correlationId());
            assertEquals(Integer.valueOf(200), reply.statusCode());
        }
    }

    @Test
    void aBadSignatureIs401AndGrantsNothing() throws Exception {
        Device device1 = hub.hub().registry().device("device1").orElseThrow();
        // A key one bit away from the real one: a replace() of chosen letters left some generated keys unchanged.
        byte[] key = java.util.Base64.getDecoder().decode(device1.secondaryKey());
        key[0] ^= 1;
        String wrongKey = SasTokens.create(audience("device1"), java.util.Base64.getEncoder().encodeToString(key),
                Instant.now().plusSeconds(3600), null);
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), wrongKey);
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertEquals("The specified SAS token has an invalid signature. It does not match either the primary or secondary key.",
                    reply.statusDescription(), "reference/iothub-amqp.md §1.2");
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), client.awaitClosed(sender).getCondition());
        }
    }

    @Test
    void theSecondaryKeySignsToo() throws Exception {
        Device device1 = hub.hub().registry().device("device1").orElseThrow();
        String token = SasTokens.create(audience("device1"), device1.secondaryKey(), Instant.now().plusSeconds(3600), null);
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), token).statusCode());
        }
    }

    @Test
    void anExpiredTokenIs401WithTheExpiryInTheDescription() throws Exception {
        Device device1 = hub.hub().registry().device("device1").orElseThrow();
        String expired = SasTokens.create(audience("device1"), device1.primaryKey(), Instant.now().minus(Duration.ofMinutes(6)), null);
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), expired);
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertTrue(reply.statusDescription().toString().startsWith("The specified SAS token has expired."), reply.statusDescription().toString());
        }
    }

    @Test
    void aTokenWithinTheClockSkewIsAccepted() throws Exception {
        Device device1 = hub.hub().registry().device("device1").orElseThrow();
        String justExpired = SasTokens.create(audience("device1"), device1.primaryKey(), Instant.now().minus(Duration.ofMinutes(4)), null);
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), justExpired).statusCode());
        }
    }

    @Test
    void anAudienceOutsideTheTokensScopeIs401() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience("device2"), hub.deviceToken("device1", Duration.ofHours(1)));
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertEquals("The audience '127.0.0.1/devices/device2' is outside the token's scope '127.0.0.1/devices/device1'.", reply.statusDescription());
        }
    }

    @Test
    void anUnknownDeviceIs401NamingIt() throws Exception {
        String token = SasTokens.create(audience("ghost"), hub.hub().registry().device("device1").orElseThrow().primaryKey(),
                Instant.now().plusSeconds(600), null);
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), audience("ghost"), token);
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertEquals("The SAS token is for device 'ghost', which hub 'simhub' does not have.", reply.statusDescription());
        }
    }

    @Test
    void theDotNetTokenTypeIsAcceptedToo() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            Map<String, Object> p = props("put-token", "azure-devices.net:sastoken", audience("device1"));
            CbsClient.Reply reply = new CbsClient(client).request(UUID.randomUUID(), p, new AmqpValue(hub.deviceToken("device1", Duration.ofHours(1))));
            assertEquals(Integer.valueOf(200), reply.statusCode());
        }
    }

    @Test
    void aUrlEncodedAudienceAndAGatewayHostAreAccepted() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient cbs = new CbsClient(client);
            assertEquals(Integer.valueOf(200), cbs.putToken(UUID.randomUUID(), "127.0.0.1%2Fdevices%2Fdevice1",
                    hub.deviceToken("device1", Duration.ofHours(1))).statusCode());
            // Java SDK with GatewayHostName: audience on the gateway host, token sr on the hub host (real-clients.md §2.2).
            assertEquals(Integer.valueOf(200), cbs.putToken(UUID.randomUUID(), "localhost/devices/device2",
                    hub.deviceToken("device2", Duration.ofHours(1))).statusCode());
        }
    }

    @Test
    void malformedPutTokenRequestsAre400WithTheFieldNamed() throws Exception {
        String token = hub.deviceToken("device1", Duration.ofHours(1));
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient cbs = new CbsClient(client);
            Map<String, Object> noOperation = props(null, CbsClient.SAS_TOKEN_TYPE, audience("device1"));
            assertBadRequest(cbs.request(UUID.randomUUID(), noOperation, new AmqpValue(token)), "Cbs message missing operation value put-token");
            Map<String, Object> badType = props("put-token", "jwt", audience("device1"));
            assertBadRequest(cbs.request(UUID.randomUUID(), badType, new AmqpValue(token)), "Cbs message missing Type property");
            Map<String, Object> noName = props("put-token", CbsClient.SAS_TOKEN_TYPE, null);
            assertBadRequest(cbs.request(UUID.randomUUID(), noName, new AmqpValue(token)), "Cbs message missing audience property");
            Map<String, Object> good = props("put-token", CbsClient.SAS_TOKEN_TYPE, audience("device1"));
            assertBadRequest(cbs.request(UUID.randomUUID(), good, new Data(AmqpTestClient.binary(token))), "Cbs message does not contain a valid token");
            assertBadRequest(cbs.request(UUID.randomUUID(), good, new AmqpValue("SharedAccessSignature sr=127.0.0.1&sig=abc")),
                    "Cbs message does not contain a valid token (the token has no 'se' field).");
            // The node keeps serving the connection after bad requests.
            assertEquals(Integer.valueOf(200), cbs.putToken(UUID.randomUUID(), audience("device1"), token).statusCode());
        }
    }

    private static void assertBadRequest(CbsClient.Reply reply, String descriptionStart) {
        assertInstanceOf(Accepted.class, reply.requestOutcome());
        assertEquals(Integer.valueOf(400), reply.statusCode());
        assertTrue(reply.statusDescription().toString().startsWith(descriptionStart), reply.statusDescription().toString());
    }

    private static Map<String, Object> props(String operation, String type, String name) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (operation != null) {
            p.put("operation", operation);
        }
        if (type != null) {
            p.put("type", type);
        }
        if (name != null) {
            p.put("name", name);
        }
        return p;
    }

    @Test
    void mssbcbsAndNoSaslLayerBothLeadToCbs() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.mssbcbs())) {
            assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"),
                    hub.deviceToken("device1", Duration.ofHours(1))).statusCode());
        }
        try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.none()).awaitOpen()) {
            assertEquals(Integer.valueOf(200), new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"),
                    hub.deviceToken("device1", Duration.ofHours(1))).statusCode());
        }
    }

    // --- claims scope links -----------------------------------------------------------------------------------

    @Test
    void deviceAsClaimDoesNotOpenDeviceBsPaths() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            Session session = client.session();
            Sender other = client.sender(session, "spoof", "/devices/device2/messages/events");
            ErrorCondition error = client.awaitClosed(other);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().contains("'/devices/device2/messages/events'"), error.getDescription());
            Receiver otherC2d = client.receiver(session, "spoof-c2d", "/devices/device2/messages/devicebound", 1);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), client.awaitClosed(otherC2d).getCondition());
            // The device's own link on the same connection is untouched by the refusals.
            Sender own = client.sender(session, "own", "/devices/device1/messages/events");
            assertInstanceOf(Accepted.class, client.send(own, telemetry("mine")));
        }
    }

    @Test
    void aDeviceClaimDoesNotOpenTheServicePathAndAServiceClaimDoesNotOpenDevicePaths() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient cbs = new CbsClient(client);
            cbs.putToken(UUID.randomUUID(), audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            Session session = client.session();
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"),
                    client.awaitClosed(client.sender(session, "svc", "/messages/devicebound")).getCondition());
        }
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
            Session session = client.session();
            assertTrue(client.isAttached(client.sender(session, "svc", "/messages/devicebound")));
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"),
                    client.awaitClosed(client.sender(session, "dev", "/devices/device1/messages/events")).getCondition());
        }
    }

    @Test
    void severalDevicesShareOneConnectionWithAClaimEach() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            CbsClient cbs = new CbsClient(client);
            cbs.putToken(UUID.randomUUID(), audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            cbs.putToken(UUID.randomUUID(), audience("device2"), hub.deviceToken("device2", Duration.ofHours(1)));
            Sender one = client.sender(client.session(), "one", "/devices/device1/messages/events");
            Sender two = client.sender(client.session(), "two", "/devices/device2/messages/events");
            assertInstanceOf(Accepted.class, client.send(one, telemetry("from one")));
            assertInstanceOf(Accepted.class, client.send(two, telemetry("from two")));
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"),
                    client.awaitClosed(client.sender(client.session(), "three", "/devices/device3/messages/events")).getCondition());
        }
    }

    // --- link paths -------------------------------------------------------------------------------------------

    @Test
    void anUnknownAddressGetsTheRefusalFramingAndNothingElseIsDisturbed() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            new CbsClient(client).putToken(UUID.randomUUID(), audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            Session session = client.session();
            Sender good = client.sender(session, "good", "/devices/device1/messages/events");
            Sender bad = client.sender(session, "bad", "/nowhere/at/all");
            ErrorCondition error = client.awaitClosed(bad);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), error.getCondition());
            assertEquals("Matching template not found for uri /nowhere/at/all", error.getDescription());

            List<FrameBody> frames = client.receivedFrames();
            Attach attach = frames.stream().filter(f -> f instanceof Attach a && a.getName().equals("bad")).map(Attach.class::cast).findFirst().orElseThrow();
            assertNull(attach.getTarget(), "the refusing attach carries a null target");
            assertNotNull(attach.getSource(), "the refusing attach echoes the client's source");
            int attachAt = frames.indexOf(attach);
            Detach detach = frames.subList(attachAt, frames.size()).stream().filter(f -> f instanceof Detach d && d.getHandle().equals(attach.getHandle()))
                    .map(Detach.class::cast).findFirst().orElseThrow();
            assertTrue(detach.getClosed());
            assertEquals(Symbol.valueOf("amqp:not-allowed"), detach.getError().getCondition());

            assertInstanceOf(Accepted.class, client.send(good, telemetry("still fine")));
        }
    }

    @Test
    void pathsMatchCaseInsensitivelyWithOrWithoutAnAmqpsPrefix() throws Exception {
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            new CbsClient(client).putToken(UUID.randomUUID(), audience("device3"), hub.deviceToken("device3", Duration.ofHours(1)));
            Session session = client.session();
            assertTrue(client.isAttached(client.sender(session, "a", "amqps://127.0.0.1/DEVICES/device3/Messages/Events")));
            assertTrue(client.isAttached(client.sender(session, "b", "devices/device3/messages/events")));
            assertTrue(client.isAttached(client.receiver(session, "c", "/devices/device3/messages/DeviceBound", 1)));
        }
    }

    // --- telemetry --------------------------------------------------------------------------------------------

    @Test
    void telemetryIsStoredWithTheStampedAnnotationsAndSpoofedOnesReplaced() throws Exception {
        String marker = "stamp-" + UUID.randomUUID();
        Instant before = Instant.now();
        try (AmqpTestClient client = tls(SaslChoice.anonymous())) {
            new CbsClient(client).putToken(UUID.randomUUID(), audience("device2"), hub.deviceToken("device2", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/device2/messages/events");
            Message m = telemetry(marker);
            m.setApplicationProperties(new ApplicationProperties(Map.of("temperature", 21)));
            m.setMessageAnnotations(new MessageAnnotations(new LinkedHashMap<>(Map.of(Symbol.valueOf("iothub-connection-device-id"), "device1"))));
            assertInstanceOf(Accepted.class, client.send(sender, m));
        }
        RecordedTelemetry stored = hub.telemetry("device2").stream()
                .filter(t -> new String(t.body(), java.nio.charset.StandardCharsets.UTF_8).equals(marker)).findFirst().orElseThrow();
        Map<String, Object> a = stored.annotations();
        assertEquals("device2", a.get("iothub-connection-device-id"));
        assertEquals("{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}", a.get("iothub-connection-auth-method"));
        assertEquals(hub.hub().registry().device("device2").orElseThrow().generationId(), a.get("iothub-connection-auth-generation-id"));
        assertEquals("Telemetry", a.get("iothub-message-source"));
        Date enqueued = assertInstanceOf(Date.class, a.get("iothub-enqueuedtime"));
        assertFalse(enqueued.toInstant().isBefore(before.minusMillis(1)));
        assertFalse(enqueued.toInstant().isAfter(Instant.now()));
        assertEquals(21, stored.applicationProperties().get("temperature"));
        assertTrue(hub.telemetry("device1").stream().noneMatch(t -> new String(t.body()).equals(marker)), "not filed under the spoofed id");
    }

    // --- service to device --------------------------------------------------------------------------------------

    @Test
    void theServiceLinkRoutesEachMessageByItsToProperty() throws Exception {
        try (AmqpTestClient device = tls(SaslChoice.anonymous()); AmqpTestClient service = tls(SaslChoice.anonymous())) {
            new CbsClient(device).putToken(UUID.randomUUID(), audience("device3"), hub.deviceToken("device3", Duration.ofHours(1)));
            Receiver inbox = device.receiver(device.session(), "c2d", "/devices/device3/messages/devicebound", 10);
            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "sender", "/messages/devicebound");

            Message c2d = Proton.message();
            c2d.setMessageId("c2d-" + UUID.randomUUID());
            c2d.setAddress("/devices/device3/messages/devicebound");
            c2d.setBody(new Data(AmqpTestClient.binary("turn on")));
            assertInstanceOf(Accepted.class, service.send(outbox, c2d));

            Message received = device.receive(inbox);
            assertEquals(c2d.getMessageId(), received.getMessageId());
            assertEquals("/devices/device3/messages/devicebound", received.getAddress());
            assertArrayEquals("turn on".getBytes(), ((Data) received.getBody()).getValue().getArray());

            Message toGhost = Proton.message();
            toGhost.setAddress("/devices/ghost/messages/devicebound");
            toGhost.setBody(new Data(AmqpTestClient.binary("nobody")));
            DeliveryState outcome = service.send(outbox, toGhost);
            Rejected rejected = assertInstanceOf(Rejected.class, outcome);
            assertEquals(Symbol.valueOf("amqp:not-found"), rejected.getError().getCondition());
            assertEquals("Device 'ghost' is not registered with this hub.", rejected.getError().getDescription());

            Message noTo = Proton.message();
            noTo.setBody(new Data(AmqpTestClient.binary("where?")));
            Rejected missing = assertInstanceOf(Rejected.class, service.send(outbox, noTo));
            assertEquals(Symbol.valueOf("com.microsoft:argument-error"), missing.getError().getCondition());
        }
    }

    @Test
    void theJavaSdksSmallFramesCarryLargeMessagesBothWays() throws Exception {
        byte[] big = new byte[20_000];
        new java.util.Random(7).nextBytes(big);
        try (AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), 4096).awaitOpen();
             AmqpTestClient service = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous(), 4096).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), audience("device1"), hub.deviceToken("device1", Duration.ofHours(1)));
            Session session = device.session();
            Sender telemetry = device.sender(session, "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(new Binary(big)));
            assertInstanceOf(Accepted.class, device.send(telemetry, m));

            Receiver inbox = device.receiver(session, "c2d", "/devices/device1/messages/devicebound", 10);
            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "sender", "/messages/devicebound");
            Message c2d = Proton.message();
            c2d.setAddress("/devices/device1/messages/devicebound");
            c2d.setBody(new Data(new Binary(big)));
            assertInstanceOf(Accepted.class, service.send(outbox, c2d));
            assertArrayEquals(big, ((Data) device.receive(inbox).getBody()).getValue().getArray());
        }
    }
}
