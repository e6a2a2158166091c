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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /devices/query} on the wire (reference/iothub-twin-methods-mqtt.md §5.5): the headers, pages and
 * continuation, the twin documents, the 400s and permissions. The embedded hub: device1 (with module1), device2, device3.
 */
class QueryApiTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(0).amqpPort(0).httpsPort(0).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> post(String query, String policy, Map<String, String> headers) throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpClient client = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + "/devices/query?api-version=2021-04-12"))
                .POST(HttpRequest.BodyPublishers.ofString(query == null ? "{}" : JSON.writeValueAsString(Map.of("query", query))))
                .header("Content-Type", "application/json; charset=utf-8");
        if (policy != null) {
            b.header("Authorization", hub.policyToken(policy, Duration.ofMinutes(10)));
        }
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).forEach(t -> out.add(t.get("deviceId").asText() + (t.has("moduleId") ? "/" + t.get("moduleId").asText() : "")));
        return out;
    }

    @Test
    void pagesFollowTheContinuationHeaderWhichTheLastPageOmits() throws Exception {
        HUB.simulator().twins().patchTags("device1", "{\"site\":\"lab\"}");
        HUB.simulator().twins().patchDesired("device3", "{\"mode\":\"eco\"}");
        String query = "SELECT * FROM devices WHERE tags.site = 'lab' OR properties.desired.mode = 'eco' OR deviceId = 'device2'";
        HttpResponse<String> first = post(query, "service", Map.of("x-ms-max-item-count", "2"));
        assertEquals(List.of("device1", "device2"), ids(first));
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("Twin", first.headers().firstValue("x-ms-item-type").orElse(null));
        String token = first.headers().firstValue("x-ms-continuation").orElse(null);
        assertTrue(token != null && !token.isEmpty(), "more remain: a token");

        HttpResponse<String> last = post(query, "service", Map.of("x-ms-max-item-count", "2", "x-ms-continuation", token));
        assertEquals(List.of("device3"), ids(last));
        assertFalse(last.headers().firstValue("x-ms-continuation").isPresent(), "no header on the last page (Node would loop on an empty one)");

        HttpResponse<String> exactlyFull = post(query, "service", Map.of("x-ms-max-item-count", "3"));
        assertEquals(List.of("device1", "device2", "device3"), ids(exactlyFull));
        assertFalse(exactlyFull.headers().firstValue("x-ms-continuation").isPresent(), "a full last page has no token either");
        assertEquals(List.of("device1", "device3"), ids(post("select * from devices where tags.site = 'lab' or properties.desired.mode = 'eco'",
                "service", Map.of())), "no page size: the default (100)");
        assertEquals(List.of("device1/module1"), ids(post("SELECT * FROM devices.modules", "service", Map.of())));
    }

    @Test
    void theItemsAreTheTwinDocumentsOfGetTwins() throws Exception {
        HUB.simulator().twins().patchTags("device2", "{\"site\":{\"city\":\"Oslo\"}}");
        JsonNode item = JSON.readTree(post("SELECT * FROM devices WHERE tags.site.city = \"Oslo\"", "registryRead", Map.of()).body()).get(0);
        HubSimulator hub = HUB.simulator();
        HttpResponse<String> get = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build().send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + hub.httpsPort() + "/twins/device2?api-version=2021-04-12"))
                .header("Authorization", hub.policyToken("service", Duration.ofMinutes(10))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(JSON.readTree(get.body()), item);
    }

    @Test
    void whatIsNotSupportedOrMalformedGets400NamingIt() throws Exception {
        Map<String, String> expected = new HashMap<>();
        expected.put("SELECT * FROM devices GROUP BY tags.site", "'GROUP BY' is not supported: hubsim supports only SELECT * FROM devices");
        expected.put("SELECT * FROM devices.jobs", "'FROM devices.jobs' is not supported");
        expected.put("SELECT * FROM devices WHERE tags.site = ", "Syntax error at position");
        expected.put(null, "The request body must be a JSON object {\"query\":\"<query text>\"}");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            HttpResponse<String> r = post(e.getKey(), "service", Map.of());
            assertEquals(400, r.statusCode(), e.getKey());
            assertEquals("BadRequest", r.headers().firstValue("iothub-errorcode").orElse(null));
            String message = JSON.readTree(r.body()).get("Message").asText();
            assertTrue(message.startsWith("ErrorCode:BadRequest;" + e.getValue()), message);
        }
        String all = "SELECT * FROM devices";
        assertEquals(200, post(all, "service", Map.of("x-ms-max-item-count", "1000")).statusCode());
        assertEquals(400, post(all, "service", Map.of("x-ms-max-item-count", "1001")).statusCode(), "page size above the maximum");
        HttpResponse<String> badToken = post(all, "service", Map.of("x-ms-continuation", "bm90IG91cnM"));
        assertEquals(400, badToken.statusCode());
        assertTrue(badToken.body().contains("is not one this hub issued"), badToken.body());
    }

    @Test
    void queryingNeedsServiceConnectOrRegistryReadAndGetOfADeviceNamedQueryStaysTheRegistrys() throws Exception {
        String all = "SELECT * FROM devices";
        assertEquals(200, post(all, "registryRead", Map.of()).statusCode());
        assertEquals(401, post(all, "device", Map.of()).statusCode());
        assertEquals(401, post(all, null, Map.of()).statusCode());
        HubSimulator hub = HUB.simulator();
        HttpResponse<String> get = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build().send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + hub.httpsPort() + "/devices/query?api-version=2021-04-12"))
                .header("Authorization", hub.policyToken("registryRead", Duration.ofMinutes(10))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get.statusCode());
        assertEquals("DeviceNotFound", get.headers().firstValue("iothub-errorcode").orElse(null));
    }
}
