package dev.hubsim.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.registry.ModuleRegistry;
import dev.hubsim.testing.ExportedTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module identities over the registry REST API (reference/iothub-twin-methods-mqtt.md §5.4): shapes, limits, errors. */
class ModulesApiTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpClient client;

    static HttpResponse<String> call(String method, String path, String body, String ifMatch, String policy) throws Exception {
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(HUB.simulator().info())).build();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort() + path + "?api-version=2021-04-12"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json; charset=utf-8");
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        if (policy != null) {
            b.header("Authorization", HUB.simulator().policyToken(policy, Duration.ofMinutes(10)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> owner(String method, String path, String body, String ifMatch) throws Exception {
        return call(method, path, body, ifMatch, "iothubowner");
    }

    @Test
    void aModuleIsCreatedReadListedUpdatedAndDeletedWithTheShapeTheSdksParse() throws Exception {
        HttpResponse<String> created = owner("PUT", "/devices/device2/modules/m-rest", "{\"deviceId\":\"device2\",\"moduleId\":\"m-rest\"}", null);
        assertEquals(200, created.statusCode(), created.body());
        JsonNode m = JSON.readTree(created.body());
        assertEquals("device2", m.get("deviceId").asText());
        assertEquals("m-rest", m.get("moduleId").asText());
        assertEquals("sas", m.at("/authentication/type").asText());
        assertTrue(m.at("/authentication/symmetricKey/primaryKey").asText().length() >= 24, "keys are generated when not given");
        assertEquals("Disconnected", m.get("connectionState").asText());

        JsonNode read = JSON.readTree(owner("GET", "/devices/device2/modules/m-rest", null, null).body());
        assertEquals(m.at("/authentication/symmetricKey/primaryKey"), read.at("/authentication/symmetricKey/primaryKey"));
        JsonNode list = JSON.readTree(owner("GET", "/devices/device2/modules", null, null).body());
        assertTrue(list.isArray() && list.size() == 1 && list.get(0).get("moduleId").asText().equals("m-rest"), list.toString());

        assertError(owner("PUT", "/devices/device2/modules/m-rest", "{}", null), 409, "ModuleAlreadyExistsOnDevice");
        assertError(owner("PUT", "/devices/device2/modules/m-rest", "{}", "\"stale\""), 412, "PreconditionFailed");
        HttpResponse<String> updated = owner("PUT", "/devices/device2/modules/m-rest", "{\"managedBy\":\"me\"}", "*");
        assertEquals(200, updated.statusCode(), updated.body());
        JsonNode u = JSON.readTree(updated.body());
        assertEquals("me", u.get("managedBy").asText());
        assertNotEquals(m.get("etag"), u.get("etag"), "an update changes the etag");
        assertEquals(m.at("/authentication/symmetricKey/primaryKey"), u.at("/authentication/symmetricKey/primaryKey"), "keys kept");
        assertError(owner("DELETE", "/devices/device2/modules/m-rest", null, "\"" + m.get("etag").asText() + "\""), 412, "PreconditionFailed");
        assertEquals(204, owner("DELETE", "/devices/device2/modules/m-rest", null, "\"" + u.get("etag").asText() + "\"").statusCode());
        assertError(owner("GET", "/devices/device2/modules/m-rest", null, null), 404, "ModuleNotFound");
        assertError(owner("DELETE", "/devices/device2/modules/m-rest", null, "*"), 404, "ModuleNotFound");
    }

    @Test
    void badModuleRequestsGetTheDocumentedErrors() throws Exception {
        assertError(owner("GET", "/devices/nobody/modules", null, null), 404, "DeviceNotFound");
        assertError(owner("PUT", "/devices/nobody/modules/m1", "{}", null), 404, "DeviceNotFound");
        assertError(owner("PUT", "/devices/device3/modules/has%20space", "{}", null), 400, "ArgumentInvalid");
        assertError(owner("PUT", "/devices/device3/modules/" + "m".repeat(129), "{}", null), 400, "ArgumentInvalid");
        assertEquals(200, owner("PUT", "/devices/device3/modules/" + "m".repeat(128), "{}", null).statusCode(), "128 characters is allowed");
        assertError(owner("PUT", "/devices/device3/modules/m1", "{not json", null), 400, "ArgumentInvalid");
        assertError(owner("PUT", "/devices/device3/modules/m1", "{\"moduleId\":\"other\"}", null), 400, "ArgumentInvalid");
        assertError(call("PUT", "/devices/device3/modules/m1", "{}", null, "registryRead"), 401, "IotHubUnauthorizedAccess");
        assertError(call("GET", "/devices/device3/modules", null, null, null), 401, "IotHubUnauthorizedAccess");
        assertEquals(200, call("GET", "/devices/device3/modules", null, null, "registryRead").statusCode());
    }

    @Test
    void aDeviceHoldsAtMostTwentyModulesAndTheyGoWithIt() throws Exception {
        assertEquals(200, owner("PUT", "/devices/many", "{\"deviceId\":\"many\"}", null).statusCode());
        for (int i = 1; i <= ModuleRegistry.MAX_MODULES_PER_DEVICE; i++) {
            HttpResponse<String> r = owner("PUT", "/devices/many/modules/m" + i, "{}", null);
            assertEquals(200, r.statusCode(), "module " + i + ": " + r.body());
        }
        assertError(owner("PUT", "/devices/many/modules/one-too-many", "{}", null), 413, "TooManyModulesOnDevice");
        assertEquals(200, owner("PUT", "/devices/many/modules/m1", "{}", "*").statusCode(), "updating one of the 20 is not a 21st");
        assertEquals(204, owner("DELETE", "/devices/many", null, "*").statusCode());
        assertEquals(200, owner("PUT", "/devices/many", "{\"deviceId\":\"many\"}", null).statusCode());
        assertEquals("[]", owner("GET", "/devices/many/modules", null, null).body(), "a re-created device has no modules");
        assertEquals(204, owner("DELETE", "/devices/many", null, "*").statusCode());
    }

    static void assertError(HttpResponse<String> response, int status, String errorCode) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(errorCode, response.headers().firstValue("iothub-errorcode").orElse(null), response.body());
        JsonNode json = JSON.readTree(response.body());
        assertTrue(json.get("Message").asText().startsWith("ErrorCode:" + errorCode + ";"), response.body());
    }
}
