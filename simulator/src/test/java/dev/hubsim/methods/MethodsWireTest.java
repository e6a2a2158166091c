package dev.hubsim.methods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct methods end to end on free ports: a device on raw AMQP (Proton-J) attaches the methods link pair, a service
 * invokes over the REST API; the request's wire form, the answer's, the documented errors and the timeout bounds.
 */
class MethodsWireTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpClient http;
    private final List<AmqpTestClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(AmqpTestClient::close);
    }

    /** A device (or module) with its methods links attached. */
    private record MethodsDevice(AmqpTestClient client, Receiver requests, Sender answers) {
        Message nextRequest() {
            return client.receive(requests);
        }

        DeliveryState answer(Object correlationId, Integer status, String payload) {
            Message m = Proton.message();
            Properties p = new Properties();
            p.setCorrelationId(correlationId);
            m.setProperties(p);
            if (status != null) {
                m.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", status)));
            }
            m.setBody(new Data(new Binary(payload.getBytes(StandardCharsets.UTF_8))));
            return client.send(answers, m);
        }
    }

    private MethodsDevice attach(String identityPath, String token) throws Exception {
        HubSimulator hub = HUB.simulator();
        AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslMode.anonymous()).awaitOpen();
        clients.add(client);
        new dev.hubsim.testing.CbsClient(client).putToken(UUID.randomUUID(), hub.hub().primaryHostName() + identityPath, token);
        String address = identityPath + "/methods/devicebound";
        Source source = new Source();
        source.setAddress(address);
        Map<Symbol, Object> channel = Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "methods:" + UUID.randomUUID());
        Receiver requests = client.receiver(client.session(), "requests", source, channel, null, 10);
        Sender answers = client.sender(client.session(), "answers", address);
        return new MethodsDevice(client, requests, answers);
    }

    static CompletableFuture<HttpResponse<String>> invoke(String path, String body) throws Exception {
        if (http == null) {
            http = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(HUB.simulator().info())).build();
        }
        return http.sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort() + path + "?api-version=2021-04-12"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", HUB.simulator().policyToken("service", Duration.ofMinutes(10))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String call(String method, String payload, int responseTimeout, int connectTimeout) {
        return "{\"methodName\":\"" + method + "\",\"payload\":" + payload + ",\"responseTimeoutInSeconds\":" + responseTimeout
                + ",\"connectTimeoutInSeconds\":" + connectTimeout + "}";
    }

    @Test
    void aRequestCarriesTheNameAUuidAndThePayloadAndTheAnswerComesBackAsStatusAndPayload() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice device = attach("/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        assertEquals(device.requests().getProperties(), device.requests().getRemoteProperties(), "the hub echoes the channel correlation id");
        CompletableFuture<HttpResponse<String>> response = invoke("/twins/device1/methods", call("reboot", "{\"delay\":3}", 30, 0));
        Message request = device.nextRequest();
        assertInstanceOf(UUID.class, request.getCorrelationId(), "an AMQP uuid, which the C SDK requires");
        assertEquals("reboot", request.getApplicationProperties().getValue().get("IoThub-methodname"));
        assertEquals("{\"delay\":3}", new String(((Data) request.getBody()).getValue().getArray(), StandardCharsets.UTF_8).trim());
        assertInstanceOf(Accepted.class, device.answer(request.getCorrelationId(), 201, "{\"rebooting\":true}"));
        HttpResponse<String> r = response.get();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(JSON.readTree("{\"status\":201,\"payload\":{\"rebooting\":true}}"), JSON.readTree(r.body()));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void aModuleAnswersOnItsOwnPathAndTheDevicesClaimDoesNotOpenIt() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice module = attach("/devices/device1/modules/module1", hub.moduleToken("device1", "module1", Duration.ofHours(1)));
        CompletableFuture<HttpResponse<String>> response = invoke("/twins/device1/modules/module1/methods/", call("ping", "null", 5, 0));
        Message request = module.nextRequest();
        assertEquals("null", new String(((Data) request.getBody()).getValue().getArray(), StandardCharsets.UTF_8), "no payload is JSON null");
        module.answer(request.getCorrelationId().toString(), 200, "\"pong\"");
        assertEquals(JSON.readTree("{\"status\":200,\"payload\":\"pong\"}"), JSON.readTree(response.get().body()), "a string correlation id works too");

        AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslMode.plain("device1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen();
        clients.add(device);
        Receiver refused = device.receiver(device.session(), "r", "/devices/device1/modules/module1/methods/devicebound", 1);
        assertEquals(Symbol.valueOf("amqp:unauthorized-access"), device.awaitClosed(refused).getCondition());
    }

    @Test
    void theDocumentedErrors() throws Exception {
        assertError(invoke("/twins/device2/methods", call("m", "{}", 30, 0)).get(), 404, "DeviceNotOnline", 404103);
        assertError(invoke("/twins/nobody/methods", call("m", "{}", 30, 0)).get(), 404, "DeviceNotFound", 404001);
        assertError(invoke("/twins/device1/modules/ghost/methods", call("m", "{}", 30, 0)).get(), 404, "ModuleNotFound", 404010);
        assertError(invoke("/twins/device1/methods", "{not json").get(), 400, "ArgumentInvalid", null);
        HttpResponse<String> unauthorized = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort()
                + "/twins/device1/methods?api-version=2021-04-12")).POST(HttpRequest.BodyPublishers.ofString(call("m", "{}", 30, 0)))
                .header("Authorization", HUB.simulator().policyToken("registryRead", Duration.ofMinutes(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthorized.statusCode(), "a policy without ServiceConnect");
    }

    @Test
    void timeoutAndPayloadBoundsAreAcceptedAtTheLimitAndRefusedOneBeyond() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice device = attach("/devices/device3", hub.deviceToken("device3", Duration.ofHours(1)));
        assertError(invoke("/twins/device3/methods", call("m", "{}", 4, 0)).get(), 400, "ArgumentInvalid", 400004);
        assertError(invoke("/twins/device3/methods", call("m", "{}", 301, 0)).get(), 400, "ArgumentInvalid", 400004);
        assertError(invoke("/twins/device3/methods", call("m", "{}", 30, -1)).get(), 400, "ArgumentInvalid", 400004);
        assertError(invoke("/twins/device3/methods", call("m", "{}", 30, 301)).get(), 400, "ArgumentInvalid", 400004);
        String atLimit = "\"" + "x".repeat(DirectMethods.MAX_PAYLOAD_BYTES - 2) + "\"";
        assertError(invoke("/twins/device3/methods", call("m", atLimit.replace("\"x", "\"xx"), 30, 0)).get(), 413, "MessageTooLarge", 413001);
        for (String[] ok : new String[][]{{"300", "300", "{}"}, {"5", "0", atLimit}}) {
            CompletableFuture<HttpResponse<String>> response = invoke("/twins/device3/methods",
                    call("m", ok[2], Integer.parseInt(ok[0]), Integer.parseInt(ok[1])));
            Message request = device.nextRequest();
            assertEquals(ok[2].length(), ((Data) request.getBody()).getValue().getLength());
            device.answer(request.getCorrelationId(), 200, "{}");
            assertEquals(200, response.get().statusCode(), "accepted at the bound " + ok[0] + "/" + ok[1]);
        }
    }

    @Test
    void noAnswerIsAGatewayTimeoutAndALateOrUnknownAnswerIsDroppedWhileABadOneIsRejected() throws Exception {
        HubSimulator hub = HUB.simulator();
        MethodsDevice device = attach("/devices/device2", hub.deviceToken("device2", Duration.ofHours(1)));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> response = invoke("/twins/device2/methods", call("slow", "{}", 5, 0));
        Message request = device.nextRequest();
        assertError(response.get(), 504, "GatewayTimeout", 504101);
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(5).toNanos(), "not before the response timeout");
        assertInstanceOf(Accepted.class, device.answer(request.getCorrelationId(), 200, "{}"), "a late answer is accepted and dropped");
        assertInstanceOf(Accepted.class, device.answer(UUID.randomUUID(), 200, "{}"), "so is one for no request");
        DeliveryState noStatus = device.answer(UUID.randomUUID(), null, "{}");
        assertInstanceOf(Rejected.class, noStatus);
        assertEquals(Symbol.valueOf("amqp:decode-error"), ((Rejected) noStatus).getError().getCondition());
        DeliveryState badId = device.answer("not-a-uuid", 200, "{}");
        assertInstanceOf(Rejected.class, badId);
        // The links keep working.
        CompletableFuture<HttpResponse<String>> next = invoke("/twins/device2/methods", call("fast", "{}", 5, 0));
        device.answer(device.nextRequest().getCorrelationId(), 204, "");
        assertEquals(JSON.readTree("{\"status\":204,\"payload\":null}"), JSON.readTree(next.get().body()));
    }

    @Test
    void aTestInvokesThroughTheJavaApiAndSeesTheRecordedCalls() throws Exception {
        HubSimulator hub = HUB.simulator();
        invoke("/twins/nobody/methods", call("warm-up", "null", 30, 0)).get();
        hub.reset();
        MethodsDevice device = attach("/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        CompletableFuture<dev.hubsim.MethodsView.MethodCall> call = CompletableFuture.supplyAsync(() -> {
            try {
                return hub.methods().invoke("device1", null, "blink", "{\"times\":2}", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Message request = device.nextRequest();
        device.answer(request.getCorrelationId(), 202, "{\"ok\":true}");
        dev.hubsim.MethodsView.MethodCall answered = call.get();
        assertEquals(new dev.hubsim.MethodsView.MethodCall("device1", null, "blink", true, 202, "{\"ok\":true}", 0), answered);
        dev.hubsim.MethodsView.MethodCall offline = hub.methods().invoke("device3", null, "blink", null, Duration.ofSeconds(30));
        assertEquals(new dev.hubsim.MethodsView.MethodCall("device3", null, "blink", false, 404, null, 404103), offline);
        assertEquals(List.of(answered, offline), hub.methods().calls());
        HttpResponse<String> control = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + "/hubsim/methods"))
                .header("Authorization", hub.policyToken("iothubowner", Duration.ofMinutes(1))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode calls = JSON.readTree(control.body());
        assertEquals(2, calls.size(), control.body());
        assertEquals(202, calls.get(0).get("status").asInt());
        assertEquals(404103, calls.get(1).get("errorCode").asInt(), "the control API lists the same calls");
    }

    static void assertError(HttpResponse<String> response, int status, String errorCode, Integer numeric) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(errorCode, response.headers().firstValue("iothub-errorcode").orElse(null), response.body());
        JsonNode json = JSON.readTree(response.body());
        assertTrue(json.path(numeric != null ? "message" : "Message").asText().length() > 0, "a description: " + response.body());
        if (numeric != null) {
            assertEquals(numeric.intValue(), json.get("errorCode").asInt(), response.body());
        }
    }
}
