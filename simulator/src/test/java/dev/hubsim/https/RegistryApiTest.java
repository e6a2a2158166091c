package dev.hubsim.https;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.ExportedTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry over HTTPS on the SDKs' port 443 with the real service SDK 2.1.9, then the new device connecting with
 * the real device SDK 2.5.0 over AMQPS and AMQPS_WS; and the REST answers to bad input.
 */
class RegistryApiTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(HubSimulator.SDK_AMQPS_PORT)
            .httpsPort(HubSimulator.SDK_HTTPS_PORT).build();

    private static AutoCloseable trust;

    @BeforeAll
    static void trustTheHubForHttpsUrlConnection() throws Exception {
        trust = ExportedTrust.asHttpsUrlConnectionDefault(HUB.simulator().info());
    }

    @AfterAll
    static void restore() throws Exception {
        trust.close();
    }

    private static String owner(SimulatorInfo info) {
        return info.policies().stream().filter(p -> p.name().equals("iothubowner")).findFirst().orElseThrow().connectionString();
    }

    @Test
    void theServiceSdkManagesADeviceThatTheDeviceSdkThenUsesOverAmqpsAndWebSockets() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        RegistryClient registry = new RegistryClient(owner(info));
        Device created = registry.addDevice(new Device("made-over-https"));
        assertNotNull(created.getPrimaryKey(), "keys are generated when not given");
        assertEquals(DeviceStatus.Enabled, created.getStatus());

        Device read = registry.getDevice("made-over-https");
        assertEquals(created.getPrimaryKey(), read.getPrimaryKey());
        assertEquals(created.getGenerationId(), read.getGenerationId());

        String connectionString = "HostName=" + info.hostName() + ";DeviceId=made-over-https;SharedAccessKey=" + created.getPrimaryKey();
        for (IotHubClientProtocol protocol : new IotHubClientProtocol[]{IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS}) {
            DeviceClient client = new DeviceClient(connectionString, protocol, ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
            try {
                client.open(true);
                client.sendEvent(new Message("over " + protocol));
            } finally {
                client.close();
            }
        }
        assertEquals(2, HUB.simulator().telemetry("made-over-https").size());

        read.setStatus(DeviceStatus.Disabled);
        Device updated = registry.updateDevice(read);
        assertEquals(DeviceStatus.Disabled, updated.getStatus());
        assertTrue(!updated.getETag().equals(read.getETag()), "an update changes the etag");
        assertTrue(!HUB.simulator().hub().registry().device("made-over-https").orElseThrow().enabled());

        registry.removeDevice("made-over-https");
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("made-over-https"));
    }

    private static HttpResponse<String> call(String method, String path, String contentType, String body, String ifMatch, boolean authorized) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(HUB.simulator().info())).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort() + path + "?api-version=2021-04-12"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        if (authorized) {
            b.header("Authorization", HUB.simulator().policyToken("iothubowner", Duration.ofMinutes(10)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void badRequestsGetTheHubsStatusAndErrorBody() throws Exception {
        assertError(call("GET", "/devices/device1", null, null, null, false), 401, "IotHubUnauthorizedAccess");
        assertError(call("GET", "/devices/nobody", null, null, null, true), 404, "DeviceNotFound");
        assertError(call("PUT", "/devices/x1", "application/json", "{not json", null, true), 400, "ArgumentInvalid");
        assertError(call("PUT", "/devices/x1", "text/plain", "{}", null, true), 400, "InvalidProtocolVersion");
        assertError(call("PUT", "/devices/x1", "application/json", "{\"deviceId\":\"x1\",\"pad\":\"" + "p".repeat(70_000) + "\"}", null, true), 400, "ArgumentInvalid");
        assertError(call("PUT", "/devices/device1", "application/json", "{\"deviceId\":\"device1\"}", null, true), 409, "DeviceAlreadyExists");
        assertError(call("PUT", "/devices/device1", "application/json", "{\"deviceId\":\"device1\"}", "\"not-the-etag\"", true), 412, "PreconditionFailed");
        assertError(call("DELETE", "/devices/device1", null, null, "\"not-the-etag\"", true), 412, "PreconditionFailed");
        assertEquals(200, call("GET", "/devices/device1", null, null, null, true).statusCode(), "the server stays up and serves");
        HttpResponse<String> quotedStar = call("PUT", "/devices/device1", "application/json", "{\"deviceId\":\"device1\"}", "\"*\"", true);
        assertEquals(200, quotedStar.statusCode(), "a quoted * matches too: " + quotedStar.body());
    }

    @Test
    void aDeviceDeletedOverHttpsLosesItsLinksAndAnUnknownApiVersionIsServed() throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpResponse<String> created = call("PUT", "/devices/short-lived", "application/json", "{\"deviceId\":\"short-lived\"}", null, true);
        assertEquals(200, created.statusCode(), created.body());
        try (dev.hubsim.testing.AmqpTestClient client = dev.hubsim.testing.AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslChoice.anonymous()).awaitOpen()) {
            new dev.hubsim.testing.CbsClient(client).putToken(java.util.UUID.randomUUID(), "127.0.0.1/devices/short-lived",
                    hub.deviceToken("short-lived", Duration.ofHours(1)));
            org.apache.qpid.proton.engine.Sender sender = client.sender(client.session(), "t", "/devices/short-lived/messages/events");
            assertTrue(client.isAttached(sender));
            assertEquals(204, call("DELETE", "/devices/short-lived", null, null, "*", true).statusCode());
            org.apache.qpid.proton.amqp.transport.ErrorCondition error = client.awaitClosed(sender);
            assertEquals(org.apache.qpid.proton.amqp.Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().endsWith("device 'short-lived' was deleted."), error.getDescription());
        }
        HttpClient client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(hub.info())).build();
        HttpResponse<String> oldVersion = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + "/devices/device1?api-version=1999-01-01"))
                .header("Authorization", hub.policyToken("registryRead", Duration.ofMinutes(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, oldVersion.statusCode(), "an unknown api-version is served (with a warning in the log)");
    }

    @Test
    void aRegistryReadPolicyCannotWrite() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ExportedTrust.sslContext(HUB.simulator().info())).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort() + "/devices/x2?api-version=2021-04-12"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
                .header("Authorization", HUB.simulator().policyToken("registryRead", Duration.ofMinutes(10))).build(), HttpResponse.BodyHandlers.ofString());
        assertError(r, 401, "IotHubUnauthorizedAccess");
        assertTrue(r.body().contains("does not grant RegistryWrite"), r.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String errorCode) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        assertTrue(json.get("Message").asText().startsWith("ErrorCode:" + errorCode + ";"), response.body());
        assertTrue(json.get("ExceptionMessage").asText().startsWith("Tracking ID:"), response.body());
    }
}
