package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The twin links on the wire, with a plain Proton-J client (reference/iothub-twin-methods-mqtt.md §1): what each SDK
 * sends is accepted, answers carry the types the SDKs demand, bad requests get 400 with a JSON body, and a device's
 * claim opens only its own twin. Its device-side helpers (public) serve other tests' devices too.
 */
public class AmqpTwinLinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Symbol CHANNEL = Symbol.valueOf("com.microsoft:channel-correlation-id");

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(0).amqpPort(0).httpsPort(0).build();

    /** One twin channel of device1: its sender for requests and its receiver for answers and pushes. */
    public record Channel(AmqpTestClient client, Sender requests, Receiver answers) {
        public Message call(String operation, String resource, Object correlationId, String body) {
            Message m = Proton.message();
            m.setCorrelationId(correlationId);
            Map<Symbol, Object> a = new LinkedHashMap<>();
            a.put(Symbol.valueOf("operation"), operation);
            if (resource != null) {
                a.put(Symbol.valueOf("resource"), resource);
            }
            m.setMessageAnnotations(new MessageAnnotations(a));
            if (body != null) {
                m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
            }
            assertInstanceOf(Accepted.class, client.send(requests, m), "every twin request is settled Accepted");
            return client.receive(answers);
        }
    }

    public static AmqpTestClient device1(HubSimulator hub) throws Exception {
        return AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslMode.plain("device1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen();
    }

    public static Channel open(AmqpTestClient client, String address) {
        Session session = client.session();
        Map<Symbol, Object> props = Map.of(CHANNEL, "twin:" + UUID.randomUUID());
        Sender sender = client.sender(session, "twin-sender", address, props);
        Receiver receiver = client.receiver(session, "twin-receiver", sourceOf(address), props, null, 10);
        return new Channel(client, sender, receiver);
    }

    public static org.apache.qpid.proton.amqp.messaging.Source sourceOf(String address) {
        org.apache.qpid.proton.amqp.messaging.Source s = new org.apache.qpid.proton.amqp.messaging.Source();
        s.setAddress(address);
        return s;
    }

    public static Object annotation(Message m, String key) {
        return m.getMessageAnnotations() == null ? null : m.getMessageAnnotations().getValue().get(Symbol.valueOf(key));
    }

    public static JsonNode body(Message m) throws Exception {
        return JSON.readTree(((Data) m.getBody()).getValue().getArray());
    }

    @Test
    void getPatchAndSubscribeAnswerWithTheTypesTheSdksRead() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = device1(hub)) {
            Channel twin = open(client, "amqps://" + hub.hub().primaryHostName() + "/devices/device1/twin");

            UUID javaStyle = UUID.randomUUID();
            Message subscribed = twin.call("PUT", "/notifications/twin/properties/desired", javaStyle, null);
            assertEquals(javaStyle, subscribed.getCorrelationId(), "a uuid correlation-id comes back as a uuid");
            assertEquals(200, annotation(subscribed, "status"));
            assertInstanceOf(Integer.class, annotation(subscribed, "status"), "status is an AMQP int");
            assertNull(subscribed.getBody(), "no body on a subscription answer");

            Message patched = twin.call("PATCH", "/properties/reported", "patch-1", "{\"temp\":21.5,\"fw\":{\"v\":\"1.2\"}}");
            assertEquals("patch-1", patched.getCorrelationId(), "a string correlation-id comes back as a string");
            assertEquals(204, annotation(patched, "status"));
            assertEquals(2L, annotation(patched, "version"), "the new reported version, as an AMQP long");

            Message got = twin.call("GET", null, "get-1", " ");
            assertEquals(200, annotation(got, "status"));
            JsonNode doc = body(got);
            assertEquals(21.5, doc.path("reported").path("temp").asDouble());
            assertEquals(2, doc.path("reported").path("$version").asInt());
            assertEquals(1, doc.path("desired").path("$version").asInt());
            assertFalse(doc.has("tags"), "a device's GET has no tags");

            hub.twins().patchDesired("device1", "{\"target\":30}");
            Message push = client.receive(twin.answers());
            assertNull(push.getCorrelationId(), "a push has no correlation-id");
            assertEquals("/properties/desired", annotation(push, "resource"));
            assertEquals(2L, annotation(push, "version"));
            assertEquals(JSON.readTree("{\"target\":30,\"$version\":2}"), body(push));

            Message unsubscribed = twin.call("DELETE", "/notifications/twin/properties/desired", "del-1", " ");
            assertEquals(200, annotation(unsubscribed, "status"));
            assertEquals(0, hub.twins().subscribers("device1"));
        }
    }

    @Test
    void badRequestsGet400WithAJsonBodyAndTheChannelGoesOn() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = device1(hub)) {
            Channel twin = open(client, "/devices/device1/twin");
            Message unknown = twin.call("POST", "/properties/desired", "u-1", " ");
            assertEquals(400, annotation(unknown, "status"));
            assertTrue(body(unknown).path("message").asText().contains("Unknown twin operation 'POST'"), body(unknown).toString());
            assertEquals(400004, body(unknown).path("errorCode").asInt());

            Message malformed = twin.call("PATCH", "/properties/reported", "m-1", "{\"a\":");
            assertEquals(400, annotation(malformed, "status"));
            assertTrue(body(malformed).path("message").asText().contains("not valid JSON"));

            Message tooDeep = twin.call("PATCH", "/properties/reported", "d-1", "{\"a\":".repeat(11) + "{}" + "}".repeat(11));
            assertEquals(400, annotation(tooDeep, "status"));
            assertTrue(body(tooDeep).path("message").asText().contains("Nested depth of twin property exceeds 10"));

            String big = "{\"s\":\"" + "x".repeat(4097) + "\"}";
            Message longValue = twin.call("PATCH", "/properties/reported", "b-1", big);
            assertEquals(400, annotation(longValue, "status"));
            assertTrue(body(longValue).path("message").asText().contains("should be maximum 4096 bytes"), body(longValue).toString());

            // Nine values of 4,000 bytes under 2-byte keys: 36,018 bytes, over the reported section's 32 KB.
            StringBuilder over = new StringBuilder("{");
            for (int i = 1; i <= 9; i++) {
                over.append(i > 1 ? "," : "").append("\"k").append(i).append("\":\"").append("x".repeat(4000)).append('"');
            }
            Message tooLarge = twin.call("PATCH", "/properties/reported", "l-1", over.append('}').toString());
            assertEquals(400, annotation(tooLarge, "status"));
            assertEquals(400004, body(tooLarge).path("errorCode").asInt());
            assertTrue(body(tooLarge).path("message").asText().matches("Twin reported properties size \\d+ exceeds maximum 32768"), body(tooLarge).toString());

            Message fine = twin.call("PATCH", "/properties/reported", "ok-1", "{\"ok\":true}");
            assertEquals(204, annotation(fine, "status"), "the channel serves on after bad requests");
            assertEquals(2L, annotation(fine, "version"), "refused patches changed nothing");
        }
    }

    @Test
    void aTwinLinkWithoutChannelCorrelationIdIsRefused() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = device1(hub)) {
            Sender sender = client.sender(client.session(), "no-channel", "/devices/device1/twin");
            ErrorCondition error = client.awaitClosed(sender);
            assertNotNull(error);
            assertEquals("amqp:invalid-field", error.getCondition().toString());
            assertTrue(error.getDescription().contains("com.microsoft:channel-correlation-id"), error.getDescription());
            Receiver answers = client.receiver(client.session(), "no-channel-answers", sourceOf("/devices/device1/twin"), null, null, 1);
            assertEquals("amqp:invalid-field", client.awaitClosed(answers).getCondition().toString(), "the receiving link too");

            Channel twin = open(client, "/devices/device1/twin");
            assertEquals(200, annotation(twin.call("GET", null, "after-refusals", " "), "status"), "the connection serves on");
        }
    }

    @Test
    void anUnknownModulesTwinAndMethodLinksAreNotFoundAndTheConnectionServesOn() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            // The hub-scoped device policy may act for any device or module: the path is then judged on its own.
            CbsClient.Reply granted = new CbsClient(client).putToken(UUID.randomUUID(), hub.hub().primaryHostName(),
                    hub.policyToken("device", Duration.ofHours(1)));
            assertEquals(200, granted.statusCode());
            for (String address : java.util.List.of("/devices/device1/modules/ghost/twin", "/devices/device1/modules/ghost/methods/devicebound")) {
                Sender ghost = client.sender(client.session(), "ghost-" + UUID.randomUUID(), address, Map.of(CHANNEL, "twin:ghost"));
                ErrorCondition error = client.awaitClosed(ghost);
                assertEquals("amqp:not-found", error.getCondition().toString(), address);
                assertEquals(HubErrors.unknownModule("device1", "ghost"), error.getDescription(), address);
            }
            Channel twin = open(client, "/devices/device1/modules/module1/twin");
            assertEquals(200, annotation(twin.call("GET", null, "after-ghost", " "), "status"), "the connection serves on");
        }
    }

    @Test
    void aModuleHasItsOwnTwinOpenedByItsOwnClaim() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslMode.plain(
                "device1/modules/module1@sas.simhub", hub.moduleToken("device1", "module1", Duration.ofHours(1)))).awaitOpen()) {
            Channel twin = open(client, "/devices/device1/modules/module1/twin");
            Message patched = twin.call("PATCH", "/properties/reported", "m-1", "{\"module\":true}");
            assertEquals(204, annotation(patched, "status"));
            assertTrue(hub.twins().get("device1", "module1").reported().path("module").asBoolean(), "the module's twin changed");
            assertTrue(hub.twins().get("device1").reported().path("module").isMissingNode(), "not the device's");

            Sender deviceTwin = client.sender(client.session(), "device-twin", "/devices/device1/twin", Map.of(CHANNEL, "twin:y"));
            assertEquals("amqp:unauthorized-access", client.awaitClosed(deviceTwin).getCondition().toString(),
                    "a module claim does not open its device's twin");
        }
    }

    @Test
    void aDeviceClaimOpensOnlyItsOwnTwin() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = device1(hub)) {
            Sender other = client.sender(client.session(), "other", "/devices/device2/twin", Map.of(CHANNEL, "twin:x"));
            ErrorCondition error = client.awaitClosed(other);
            assertEquals("amqp:unauthorized-access", error.getCondition().toString());
        }
    }
}
