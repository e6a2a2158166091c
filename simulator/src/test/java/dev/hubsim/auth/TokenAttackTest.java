package dev.hubsim.auth;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token attacks, one row each (the README's "Reliability and security" table): the put-token answer (status code and
 * description) and then the proof that nothing was granted, an attach on the path the attacker wanted, refused with
 * {@code amqp:unauthorized-access}.
 */
class TokenAttackTest {
    private static final String HOST = "127.0.0.1";
    /** The hub's texts (reference/iothub-amqp.md §1.2), written out so that a changed constant fails here. */
    private static final String INVALID_SIGNATURE =
            "The specified SAS token has an invalid signature. It does not match either the primary or secondary key.";
    private static final String EXPIRED = "The specified SAS token has expired.";

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder()
            .hub(new HubConfig("simhub", HubConfig.DEFAULT_HOST_NAMES, List.of(
                    new HubConfig.DeviceSpec("dev-a", null, null, null), new HubConfig.DeviceSpec("dev-b", null, null, null),
                    new HubConfig.DeviceSpec("dev-disabled", null, null, null), new HubConfig.DeviceSpec("dev-rekeyed", null, null, null)), null))
            .build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    private static String deviceKey(String id) {
        return hub().hub().registry().device(id).orElseThrow().primaryKey();
    }

    private static String policyKey(String name) {
        return hub().hub().registry().policy(name).orElseThrow().primaryKey();
    }

    private static String events(String device) {
        return "/devices/" + device + "/messages/events";
    }

    /**
     * One attack: the token (made when the row runs, after {@code before}), the audience it is put for, the answer
     * expected (status and a pattern the whole description must match) and the path the attacker then tries to send on.
     */
    record Attack(String name, Runnable before, Function<String, Object> body, String audience, int status, String description, String probe) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Runnable NOTHING = () -> { };

    /** The whole description, as a pattern. */
    private static String exactly(String text) {
        return java.util.regex.Pattern.quote(text);
    }

    /** A description that begins with this text (the rest names values of the run). */
    private static String startsWith(String text) {
        return java.util.regex.Pattern.quote(text) + "(?s).*";
    }

    static List<Attack> attacks() {
        String randomKey = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
        Instant hour = Instant.now().plus(Duration.ofHours(1));
        return List.of(
                new Attack("wrong key", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", randomKey, hour, null),
                        HOST + "/devices/dev-a", 401, exactly(INVALID_SIGNATURE), events("dev-a")),
                new Attack("tampered signature", NOTHING, x -> tamper(SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null)),
                        HOST + "/devices/dev-a", 401, exactly(INVALID_SIGNATURE), events("dev-a")),
                new Attack("tampered expiry (se moved, sig kept)", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null)
                        .replace("&se=" + hour.getEpochSecond(), "&se=" + (hour.getEpochSecond() + 86_400)),
                        HOST + "/devices/dev-a", 401, exactly(INVALID_SIGNATURE), events("dev-a")),
                new Attack("expired (beyond the 5 min skew)", NOTHING,
                        x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), Instant.now().minus(Duration.ofMinutes(6)), null),
                        HOST + "/devices/dev-a", 401, exactly(EXPIRED) + " Its se is \\S+, it is now \\S+, and the hub allows 300 s of clock skew\\.", events("dev-a")),
                new Attack("se beyond any representable time (year > 9999)", NOTHING,
                        x -> signedWithSe(HOST + "/devices/dev-a", deviceKey("dev-a"), "99999999999999"),
                        HOST + "/devices/dev-a", 400, startsWith("Cbs message does not contain a valid token (the token field 'se' must be seconds since the epoch"),
                        events("dev-a")),
                new Attack("wrong audience (another device)", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null),
                        HOST + "/devices/dev-b", 401, startsWith("The audience '" + HOST + "/devices/dev-b' is outside the token's scope"), events("dev-b")),
                new Attack("wrong audience (another hub)", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null),
                        "otherhub.azure-devices.net/devices/dev-a", 401, startsWith("The audience host 'otherhub.azure-devices.net' is not a host name of hub"),
                        events("dev-a")),
                new Attack("device A's token, device B's sr", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-b", deviceKey("dev-a"), hour, null),
                        HOST + "/devices/dev-b", 401, exactly(INVALID_SIGNATURE), events("dev-b")),
                new Attack("device A's valid claim, then device B's path", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null),
                        HOST + "/devices/dev-a", 200, exactly("OK"), events("dev-b")),
                new Attack("policy without ServiceConnect (registryRead) on the service path", NOTHING,
                        x -> SasTokens.create(HOST, policyKey("registryRead"), hour, "registryRead"),
                        HOST, 200, exactly("OK"), "/messages/devicebound"),
                new Attack("policy without DeviceConnect (service) on a device path", NOTHING,
                        x -> SasTokens.create(HOST, policyKey("service"), hour, "service"),
                        HOST, 200, exactly("OK"), events("dev-a")),
                new Attack("device token on the service path", NOTHING, x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null),
                        HOST + "/devices/dev-a", 200, exactly("OK"), "/messages/devicebound"),
                new Attack("replay after the device was disabled", () -> hub().hub().registry().setStatus("dev-disabled", DeviceStatus.DISABLED),
                        x -> x, HOST + "/devices/dev-disabled", 401, exactly("Device 'dev-disabled' is disabled."), events("dev-disabled")),
                new Attack("replay after the device's keys were regenerated", TokenAttackTest::regenerateKeys,
                        x -> x, HOST + "/devices/dev-rekeyed", 401, exactly(INVALID_SIGNATURE), events("dev-rekeyed")),
                new Attack("hub-scoped sr without skn (signed with a device key)", NOTHING, x -> SasTokens.create(HOST, deviceKey("dev-a"), hour, null),
                        HOST, 401, exactly("A hub-scoped SAS token (sr '" + HOST + "') must name its shared access policy in 'skn'."), events("dev-a")),
                new Attack("hub-scoped sr without skn (signed with a policy key)", NOTHING, x -> SasTokens.create(HOST, policyKey("iothubowner"), hour, null),
                        HOST, 401, exactly("A hub-scoped SAS token (sr '" + HOST + "') must name its shared access policy in 'skn'."), "/messages/devicebound"),
                new Attack("unknown policy in skn", NOTHING, x -> SasTokens.create(HOST, policyKey("iothubowner"), hour, "root"),
                        HOST, 401, startsWith("The SAS token names shared access policy 'root'"), "/messages/devicebound"),
                new Attack("oversized token (40 KB, validly signed, padded with an unknown field)", NOTHING,
                        x -> SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null) + "&x=" + "A".repeat(40_000),
                        HOST + "/devices/dev-a", 400, exactly("Cbs message does not contain a valid token (the token is ") + "40\\d{3}"
                                + exactly(" characters long; the hub accepts at most 8192)."), events("dev-a")),
                new Attack("non-string body (binary)", NOTHING, x -> new Binary(SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), hour, null).getBytes()),
                        HOST + "/devices/dev-a", 400, startsWith("Cbs message does not contain a valid token (the body must be an AMQP value holding the SAS token as a string"),
                        events("dev-a")),
                new Attack("not a token at all", NOTHING, x -> "Bearer eyJhbGciOiJub25lIn0.e30.",
                        HOST + "/devices/dev-a", 400, startsWith("Cbs message does not contain a valid token (the token must have the form"), events("dev-a")));
    }

    private static String tamper(String token) {
        int at = token.indexOf("sig=") + 4;
        char c = token.charAt(at);
        return token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }

    private static String signedWithSe(String resource, String key, String se) {
        String sr = PercentEncoding.encode(resource);
        return SasToken.SCHEME + " sr=" + sr + "&sig=" + PercentEncoding.encode(SasTokens.signature(sr, se, key)) + "&se=" + se;
    }

    private static void regenerateKeys() {
        Device d = hub().hub().registry().device("dev-rekeyed").orElseThrow();
        hub().hub().registry().put(new Device(d.deviceId(), Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes()),
                Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes()), d.status(), d.generationId()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void isRefusedAndGrantsNothing(Attack attack) throws Exception {
        // Replays use a token that was valid when issued: made before the registry changes.
        String issuedBefore = SasTokens.create(attack.audience(), hub().hub().registry().device(attack.audience().substring(attack.audience().lastIndexOf('/') + 1))
                .map(Device::primaryKey).orElse(policyKey("iothubowner")), Instant.now().plus(Duration.ofHours(1)), null);
        attack.before().run();
        Object token = attack.body().apply(issuedBefore);
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("operation", "put-token");
            props.put("type", CbsClient.SAS_TOKEN_TYPE);
            props.put("name", attack.audience());
            Section body = new AmqpValue(token);
            CbsClient.Reply reply = cbs.request(UUID.randomUUID(), props, body);
            assertEquals(attack.status(), reply.statusCode(), attack.name() + ": " + reply.statusDescription());
            assertTrue(String.valueOf(reply.statusDescription()).matches(attack.description()),
                    attack.name() + ": '" + reply.statusDescription() + "' should match '" + attack.description() + "'");
            assertNothingGranted(client, attack.probe());
            System.out.println("| " + attack.name() + " | " + reply.statusCode() + " `" + reply.statusDescription() + "` | `" + attack.probe() + "` refused |");
        }
    }

    private static void assertNothingGranted(AmqpTestClient client, String path) {
        Session session = client.session();
        Link link = path.endsWith("/events") || path.equals("/messages/devicebound")
                ? client.sender(session, "probe", path) : client.receiver(session, "probe", path, 1);
        assertFalse(client.isAttached(link), "the hub attached '" + path + "'");
        ErrorCondition error = client.awaitClosed(link);
        assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition(), path + ": " + error.getDescription());
    }

    /** A put-token larger than the request cap: the $cbs link is detached and the token never read. */
    @Test
    void aTokenOverTheRequestCapDetachesTheCbsLinkAndGrantsNothing() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous(), 4096)
                .awaitOpen()) {
            Session session = client.session();
            Sender cbs = client.sender(session, "cbs-sender", "$cbs");
            client.receiver(session, "cbs-receiver", "$cbs", 10);
            org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.Proton.message();
            m.setMessageId(UUID.randomUUID());
            m.setApplicationProperties(new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(
                    Map.of("operation", "put-token", "type", CbsClient.SAS_TOKEN_TYPE, "name", HOST + "/devices/dev-a")));
            m.setBody(new AmqpValue(SasTokens.create(HOST + "/devices/dev-a", deviceKey("dev-a"), Instant.now().plusSeconds(3600), null)
                    + "&x=" + "A".repeat(200_000)));
            client.sendAsync(cbs, m);
            ErrorCondition error = client.awaitClosed(cbs);
            assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), error.getCondition());
            // Detached while partial, or, when every frame came in one read, as soon as the whole delivery is there.
            assertTrue(error.getDescription().startsWith("A delivery on '$cbs' grew past 65536 bytes")
                    || error.getDescription().endsWith("over the 65536 its max-message-size allows."), error.getDescription());
            assertNothingGranted(client, events("dev-a"));
        }
    }

    /** A whole request one byte over the $cbs receiver's max-message-size (65,536), read at once (a 128 KiB frame). */
    @Test
    void aWholeRequestOneByteOverTheCbsMaxMessageSizeDetachesTheLinkAndOneAtItIsAnswered() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            Session session = client.session();
            Sender cbs = client.sender(session, "cbs-sender", "$cbs");
            org.apache.qpid.proton.engine.Receiver replies = client.receiver(session, "cbs-receiver", "$cbs", 10);
            assertEquals(org.apache.qpid.proton.amqp.UnsignedLong.valueOf(65536), cbs.getRemoteMaxMessageSize());
            assertInstanceOf(org.apache.qpid.proton.amqp.messaging.Accepted.class, client.send(cbs, paddedRequest(65536)), "at the limit");
            assertTrue(client.receive(replies) != null, "answered");
            client.sendAsync(cbs, paddedRequest(65537));
            ErrorCondition error = client.awaitClosed(cbs);
            assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), error.getCondition());
            assertEquals("A delivery on '$cbs' is 65537 bytes, over the 65536 its max-message-size allows.", error.getDescription());
        }
    }

    private static org.apache.qpid.proton.message.Message paddedRequest(int encodedBytes) {
        org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.Proton.message();
        m.setMessageId(UUID.randomUUID());
        m.setApplicationProperties(new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(
                Map.of("operation", "put-token", "type", CbsClient.SAS_TOKEN_TYPE, "name", HOST + "/devices/dev-a")));
        int padding = 0;
        for (int i = 0; i < 8; i++) {
            m.setBody(new AmqpValue("x".repeat(padding)));
            int length = AmqpTestClient.encodeForTest(m).length;
            if (length == encodedBytes) {
                return m;
            }
            padding += encodedBytes - length;
        }
        throw new IllegalStateException("cannot pad to " + encodedBytes);
    }
}
