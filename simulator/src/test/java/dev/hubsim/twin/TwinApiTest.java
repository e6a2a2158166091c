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
    void patchesOverTheTwinLimitsAreRefusedArgumentInvalidAndChangeNothing() throws Exception {
        long before = JSON.readTree(call("GET", "/twins/device3", null, as("service")).body()).get("version").asLong();
        String deep = "{\"properties\":{\"desired\":" + "{\"a\":".repeat(11) + "{}" + "}".repeat(11) + "}}";
        assertRefused(call("PATCH", "/twins/device3", deep, as("service")), "Nested depth of twin property exceeds 10");
        assertRefused(call("PATCH", "/twins/device3", "{\"properties\":{\"desired\":" + values(9, 4000) + "}}", as("service")),
                "Twin desired properties size 36018 exceeds maximum 32768");
        assertRefused(call("PUT", "/twins/device3", "{\"tags\":" + values(3, 2800) + "}", as("service")), "Twin tags size 8406 exceeds maximum 8192");
        assertRefused(call("PATCH", "/twins/device3", "{\"tags\":", as("service")), "");

        HttpResponse<String> fine = call("PATCH", "/twins/device3", "{\"properties\":{\"desired\":{\"ok\":true}}}", as("service"));
        assertEquals(200, fine.statusCode(), fine.body());
        assertEquals(before + 1, JSON.readTree(fine.body()).get("version").asLong(), "the refused patches changed nothing");
    }

    /** {@code {"k1":"xxx…","k2":…}}: n values of this many bytes under 2-byte keys. */
    private static String values(int n, int bytes) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 1; i <= n; i++) {
            b.append(i > 1 ? "," : "").append("\"k").append(i).append("\":\"").append("x".repeat(bytes)).append('"');
        }
        return b.append('}').toString();
    }

    private static void assertRefused(HttpResponse<String> r, String text) throws Exception {
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("ArgumentInvalid", r.headers().firstValue("iothub-errorcode").orElse(null), r.body());
        String message = JSON.readTree(r.body()).get("Message").asText();
        assertTrue(message.startsWith("ErrorCode:ArgumentInvalid;") && message.contains(text) && message.length() > "ErrorCode:ArgumentInvalid;".length(),
                r.body());
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
