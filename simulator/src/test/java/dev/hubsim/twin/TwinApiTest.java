package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service API's twins as other clients call them (reference/iothub-twin-methods-mqtt.md §5.1, §5.2, §5.6): a real
 * PATCH verb and quoted If-Match (Node), the error envelope, bad bodies, permissions.
 */
class TwinApiTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(0).amqpPort(0).httpsPort(0).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpClient client = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + path + "?api-version=2021-04-12"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json; charset=utf-8");
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> as(String policy) {
        return Map.of("Authorization", HUB.simulator().policyToken(policy, Duration.ofMinutes(10)));
    }

    @Test
    void aRealPatchVerbWithAQuotedEtagMergesAndTheAnswerIsTheWholeTwin() throws Exception {
        JsonNode before = JSON.readTree(call("GET", "/twins/device1", null, as("service")).body());
        HttpResponse<String> r = call("PATCH", "/twins/device1", "{\"tags\":{\"site\":\"lab\"},\"properties\":{\"desired\":{\"mode\":\"eco\"},"
                + "\"reported\":{\"ignored\":true}}}", Map.of("Authorization", as("service").get("Authorization"),
                "If-Match", "\"" + before.get("etag").asText() + "\""));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode twin = JSON.readTree(r.body());
        assertEquals("device1", twin.get("deviceId").asText());
        assertEquals("lab", twin.path("tags").path("site").asText());
        assertEquals("eco", twin.path("properties").path("desired").path("mode").asText());
        assertTrue(twin.path("properties").path("reported").path("ignored").isMissingNode(), "the service does not write reported properties");
        assertEquals(before.get("version").asLong() + 1, twin.get("version").asLong());
    }

    @Test
    void aModuleTwinIsReadAndPatchedAtItsOwnPath() throws Exception {
        HttpResponse<String> r = call("PATCH", "/twins/device1/modules/module1", "{\"properties\":{\"desired\":{\"rate\":5}}}", as("service"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode twin = JSON.readTree(r.body());
        assertEquals("module1", twin.get("moduleId").asText());
        assertEquals(5, twin.path("properties").path("desired").path("rate").asInt());
        assertTrue(JSON.readTree(call("GET", "/twins/device1", null, as("service")).body()).path("properties").path("desired").path("rate")
                .isMissingNode(), "the device's twin is another one");
    }

    @Test
    void errorsComeInTheHubsEnvelope() throws Exception {
        HttpResponse<String> stale = call("PATCH", "/twins/device1", "{\"tags\":{\"a\":1}}",
                Map.of("Authorization", as("service").get("Authorization"), "If-Match", "\"AAAAAAAAAAA=\""));
        assertEquals(412, stale.statusCode());
        assertEquals("PreconditionFailed", stale.headers().firstValue("iothub-errorcode").orElse(null));
        assertTrue(JSON.readTree(stale.body()).get("Message").asText().startsWith("ErrorCode:PreconditionFailed;"), stale.body());

        HttpResponse<String> unknown = call("GET", "/twins/no-such-device", null, as("service"));
        assertEquals(404, unknown.statusCode());
        assertEquals("DeviceNotFound", unknown.headers().firstValue("iothub-errorcode").orElse(null));

        HttpResponse<String> module = call("GET", "/twins/device1/modules/no-such-module", null, as("service"));
        assertEquals(404, module.statusCode());
        assertEquals("ModuleNotFound", module.headers().firstValue("iothub-errorcode").orElse(null));

        HttpResponse<String> malformed = call("PUT", "/twins/device1", "{\"tags\":", as("service"));
        assertEquals(400, malformed.statusCode());
        assertEquals("ArgumentInvalid", malformed.headers().firstValue("iothub-errorcode").orElse(null));

        HttpResponse<String> badKey = call("PATCH", "/twins/device1", "{\"properties\":{\"desired\":{\"a b\":1}}}", as("service"));
        assertEquals(400, badKey.statusCode());
        assertTrue(badKey.body().contains("contains invalid character"), badKey.body());

        assertEquals(405, call("DELETE", "/twins/device1", null, as("service")).statusCode());
    }

    @Test
    void readsNeedServiceConnectOrRegistryReadAndWritesServiceConnectOrRegistryWrite() throws Exception {
        assertEquals(200, call("GET", "/twins/device2", null, as("registryRead")).statusCode());
        assertEquals(401, call("PATCH", "/twins/device2", "{\"tags\":{\"a\":1}}", as("registryRead")).statusCode());
        assertEquals(200, call("PATCH", "/twins/device2", "{\"tags\":{\"a\":1}}", as("registryReadWrite")).statusCode());
        assertEquals(401, call("GET", "/twins/device2", null, as("device")).statusCode());
        assertEquals(401, call("GET", "/twins/device2", null, Map.of()).statusCode());
    }
}
