package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.MethodsView.MethodCall;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.twin.AmqpTwinLinkTest;
import dev.hubsim.twin.TwinState;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control API's twins and direct methods over real TLS on a free port: read, patch desired and tags (a subscribed
 * device gets the change over AMQP), invoke answered by a device on raw AMQP, recorded calls listed and cleared; the
 * owner guard, unknown identities and bad input; and the same from Java through the runtime object.
 */
class ControlTwinsMethodsTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(String method, String path, String body, String authorization, String... headers) throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpClient client = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> owner(String method, String path, String body, String... headers) throws Exception {
        return call(method, path, body, HUB.simulator().policyToken("iothubowner", Duration.ofMinutes(10)), headers);
    }

    private static void assertError(HttpResponse<String> r, int status, String errorCode) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(errorCode, r.headers().firstValue("iothub-errorcode").orElse(null), r.body());
        assertTrue(r.body().contains(errorCode) || r.body().contains("\"errorCode\""), r.body());
    }

    @Test
    void twinsAreReadAndPatchedAndASubscribedDeviceGetsTheDesiredChangeAtOnce() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = AmqpTwinLinkTest.device1(hub)) {
            AmqpTwinLinkTest.Channel twin = AmqpTwinLinkTest.open(client, "/devices/device1/twin");
            assertEquals(200, AmqpTwinLinkTest.annotation(twin.call("PUT", "/notifications/twin/properties/desired", UUID.randomUUID(), null), "status"));

            HttpResponse<String> patched = owner("PATCH", "/hubsim/twins/device1/desired", "{\"target\":30}");
            assertEquals(200, patched.statusCode(), patched.body());
            JsonNode doc = JSON.readTree(patched.body());
            assertEquals(30, doc.path("properties").path("desired").path("target").asInt());
            assertEquals(2, doc.path("version").asInt());
            Message push = client.receive(twin.answers());
            assertEquals("/properties/desired", AmqpTwinLinkTest.annotation(push, "resource"));
            assertEquals(JSON.readTree("{\"target\":30,\"$version\":2}"), AmqpTwinLinkTest.body(push));

            JsonNode read = JSON.readTree(owner("GET", "/hubsim/twins/device1", null).body());
            assertEquals("device1", read.path("deviceId").asText());
            assertEquals(doc.path("etag"), read.path("etag"));
            assertEquals(30, read.path("properties").path("desired").path("target").asInt());

            assertError(owner("PATCH", "/hubsim/twins/device1/desired", "{\"target\":31}", "If-Match", "\"AAAAAAAAAAE=\""), 412, "PreconditionFailed");
            assertEquals(200, owner("PATCH", "/hubsim/twins/device1/desired", "{\"target\":null}", "If-Match", doc.path("etag").asText()).statusCode());
            assertTrue(AmqpTwinLinkTest.body(client.receive(twin.answers())).path("target").isNull(), "null removes, and is pushed as null");
        }
        JsonNode tagged = JSON.readTree(owner("PATCH", "/hubsim/twins/device1/tags", "{\"site\":\"lab\"}").body());
        assertEquals("lab", tagged.path("tags").path("site").asText());
        assertEquals(3, tagged.path("properties").path("desired").path("$version").asInt(), "tags leave the desired version alone");

        JsonNode module = JSON.readTree(owner("PATCH", "/hubsim/twins/device1/modules/module1/desired", "{\"logLevel\":\"debug\"}").body());
        assertEquals("module1", module.path("moduleId").asText());
        assertEquals("debug", hub.twins().get("device1", "module1").desired().path("logLevel").asText());
        assertEquals("module1", JSON.readTree(owner("GET", "/hubsim/twins/device1/modules/module1", null).body()).path("moduleId").asText());
        assertEquals("b", JSON.readTree(owner("PATCH", "/hubsim/twins/device1/modules/module1/tags", "{\"a\":\"b\"}").body()).path("tags").path("a").asText());
    }

    @Test
    void twinControlRefusesUnknownIdentitiesBadJsonAndOtherTokens() throws Exception {
        assertError(owner("GET", "/hubsim/twins/ghost", null), 404, "DeviceNotFound");
        assertError(owner("PATCH", "/hubsim/twins/ghost/desired", "{\"a\":1}"), 404, "DeviceNotFound");
        assertError(owner("GET", "/hubsim/twins/device1/modules/ghost", null), 404, "ModuleNotFound");
        assertError(owner("PATCH", "/hubsim/twins/device1/desired", "{not json"), 400, "ArgumentInvalid");
        assertError(owner("PATCH", "/hubsim/twins/device1/desired", "[1,2]"), 400, "ArgumentInvalid");
        assertError(owner("PATCH", "/hubsim/twins/device1/desired", ""), 400, "ArgumentInvalid");
        assertError(owner("PATCH", "/hubsim/twins/device1/reported", "{\"a\":1}"), 404, "NotFound");
        HttpResponse<String> service = call("PATCH", "/hubsim/twins/device1/desired", "{\"a\":1}", HUB.simulator().policyToken("service", Duration.ofMinutes(1)));
        assertError(service, 401, "IotHubUnauthorizedAccess");
        assertError(call("GET", "/hubsim/twins/device1", null, null), 401, "IotHubUnauthorizedAccess");
        assertEquals(1, HUB.simulator().twins().get("device1").version(), "nothing refused changed the twin");
    }

    /** A device (or module) with its methods link pair, answering on another thread. */
    private record MethodsDevice(AmqpTestClient client, Receiver requests, Sender answers) {
        static MethodsDevice attach(String user, String identityPath, String token) throws Exception {
            HubSimulator hub = HUB.simulator();
            AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.plain(user, token)).awaitOpen();
            String address = identityPath + "/methods/devicebound";
            Map<Symbol, Object> channel = Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "methods:" + UUID.randomUUID());
            Receiver requests = client.receiver(client.session(), "requests", AmqpTwinLinkTest.sourceOf(address), channel, null, 10);
            return new MethodsDevice(client, requests, client.sender(client.session(), "answers", address));
        }

        /** Answers the next request with {@code status} and this JSON; completes with the request. */
        CompletableFuture<Message> answerNext(int status, String payload) {
            return CompletableFuture.supplyAsync(() -> {
                Message request = client.receive(requests);
                Message m = Proton.message();
                Properties p = new Properties();
                p.setCorrelationId(request.getCorrelationId());
                m.setProperties(p);
                m.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", status)));
                m.setBody(new Data(new Binary(payload.getBytes(StandardCharsets.UTF_8))));
                client.send(answers, m);
                return request;
            });
        }
    }

    private static String payloadOf(Message request) {
        return new String(((Data) request.getBody()).getValue().getArray(), StandardCharsets.UTF_8);
    }

    @Test
    void methodsAreInvokedOnDevicesAndModulesAndTheCallsListedAndCleared() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice device = MethodsDevice.attach("device1@sas.simhub", "/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        MethodsDevice module = MethodsDevice.attach("device1/modules/module1@sas.simhub", "/devices/device1/modules/module1",
                hub.moduleToken("device1", "module1", Duration.ofHours(1)));
        try (AmqpTestClient d = device.client(); AmqpTestClient m = module.client()) {
            CompletableFuture<Message> request = device.answerNext(201, "{\"rebooting\":true}");
            HttpResponse<String> r = owner("POST", "/hubsim/methods/device1/reboot?responseTimeoutInSeconds=5", "{\"delay\": 3}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(JSON.readTree("{\"status\":201,\"payload\":{\"rebooting\":true}}"), JSON.readTree(r.body()));
            assertEquals("reboot", request.get().getApplicationProperties().getValue().get("IoThub-methodname"));
            assertEquals("{\"delay\":3}", payloadOf(request.get()), "the body is the method's payload");

            CompletableFuture<Message> ping = module.answerNext(200, "\"pong\"");
            HttpResponse<String> pong = owner("POST", "/hubsim/methods/device1/modules/module1/ping", null);
            assertEquals(JSON.readTree("{\"status\":200,\"payload\":\"pong\"}"), JSON.readTree(pong.body()), pong.body());
            assertEquals("null", payloadOf(ping.get()), "no body is no payload, JSON null on the wire");

            assertError(owner("POST", "/hubsim/methods/ghost/reboot", "{}"), 404, "DeviceNotFound");
            assertError(owner("POST", "/hubsim/methods/device1/modules/ghost/reboot", "{}"), 404, "ModuleNotFound");
            assertError(owner("POST", "/hubsim/methods/device2/reboot", "{}"), 404, "DeviceNotOnline");
            assertError(owner("POST", "/hubsim/methods/device1/reboot?responseTimeoutInSeconds=4", "{}"), 400, "ArgumentInvalid");
            assertError(owner("POST", "/hubsim/methods/device1/reboot?responseTimeoutInSeconds=soon", "{}"), 400, "ArgumentInvalid");
            assertError(owner("POST", "/hubsim/methods/device1/reboot", "{not json"), 400, "ArgumentInvalid");
            assertError(call("POST", "/hubsim/methods/device1/reboot", "{}", hub.policyToken("service", Duration.ofMinutes(1))), 401, "IotHubUnauthorizedAccess");
            assertError(call("GET", "/hubsim/methods/calls", null, hub.policyToken("service", Duration.ofMinutes(1))), 401, "IotHubUnauthorizedAccess");

            JsonNode calls = JSON.readTree(owner("GET", "/hubsim/methods/calls", null).body());
            assertEquals(6, calls.size(), calls.toString());
            assertEquals("reboot", calls.get(0).path("methodName").asText());
            assertEquals(201, calls.get(0).path("status").asInt());
            assertEquals("module1", calls.get(1).path("moduleId").asText());
            assertEquals(404103, calls.get(4).path("errorCode").asInt());
            assertEquals(calls, JSON.readTree(owner("GET", "/hubsim/methods", null).body()), "the older path lists the same");
            assertEquals(6, JSON.readTree(owner("DELETE", "/hubsim/methods/calls", null).body()).path("cleared").asInt());
            assertEquals(0, JSON.readTree(owner("GET", "/hubsim/methods/calls", null).body()).size());
        }
    }

    @Test
    void theRuntimeObjectDoesTheSameFromJava() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice device = MethodsDevice.attach("device1@sas.simhub", "/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        try (AmqpTestClient d = device.client()) {
            device.answerNext(201, "{\"rebooting\":true}");
            // README:begin control-java
            TwinState twin = hub.twins().get("device1");                          // or get("device1", "module1")
            twin = hub.twins().patchDesired("device1", "{\"target\":30}");         // pushed to subscribed devices
            hub.twins().patchDesired("device1", "module1", "{\"logLevel\":\"debug\"}");
            MethodCall call = hub.methods().invoke("device1", null, "reboot", "{\"delay\":3}", Duration.ofSeconds(5));
            List<MethodCall> calls = hub.methods().calls();                        // clearCalls() forgets them
            // README:end control-java
            assertEquals(30, twin.desired().path("target").asInt());
            assertEquals("debug", hub.twins().get("device1", "module1").desired().path("logLevel").asText());
            assertEquals(new MethodCall("device1", null, "reboot", true, 201, "{\"rebooting\":true}", 0), call);
            assertEquals(List.of(call), calls);
            assertEquals(1, hub.methods().clearCalls());
            assertTrue(hub.methods().calls().isEmpty());
            assertNull(hub.methods().invoke("device1", "ghost", "m", null, Duration.ofSeconds(5)).payload());
        }
    }
}
