package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control and inspection API under /hubsim/ on the HTTPS port, each endpoint and its guard. */
class ControlApiTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(String method, String path, String body, String authorization) throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpClient client = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String owner() {
        return HUB.simulator().policyToken("iothubowner", Duration.ofMinutes(10));
    }

    @Test
    void healthNeedsNoTokenAndReportsThePorts() throws Exception {
        HttpResponse<String> r = call("GET", "/hubsim/health", null, null);
        assertEquals(200, r.statusCode());
        JsonNode json = JSON.readTree(r.body());
        assertEquals("ready", json.get("status").asText());
        assertEquals(HUB.simulator().amqpsPort(), json.get("ports").get("amqps").asInt());
        assertEquals(HUB.simulator().httpsPort(), json.get("ports").get("https").asInt());
    }

    @Test
    void everythingElseNeedsTheOwnersToken() throws Exception {
        assertEquals(401, call("GET", "/hubsim/connections", null, null).statusCode());
        HttpResponse<String> service = call("GET", "/hubsim/connections", null, HUB.simulator().policyToken("service", Duration.ofMinutes(1)));
        assertEquals(401, service.statusCode());
        assertTrue(service.body().contains("needs the iothubowner policy"), service.body());
        assertEquals(401, call("POST", "/hubsim/reset", null, "SharedAccessSignature sr=x&sig=y&se=1").statusCode());
    }

    @Test
    void connectionsTelemetryAndTraceAreInspectable() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device3", hub.deviceToken("device3", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "inspected", "/devices/device3/messages/events");
            Message m = Proton.message();
            m.setMessageId("inspect-me");
            m.setBody(new Data(AmqpTestClient.binary("hello control")));
            client.send(sender, m);

            JsonNode connections = JSON.readTree(call("GET", "/hubsim/connections", null, owner()).body());
            JsonNode mine = null;
            for (JsonNode c : connections) {
                if (c.get("identities").toString().contains("device3")) {
                    mine = c;
                }
            }
            assertTrue(mine != null, connections.toString());
            assertTrue(mine.get("links").toString().contains("/devices/device3/messages/events"), mine.toString());

            JsonNode telemetry = JSON.readTree(call("GET", "/hubsim/telemetry/device3", null, owner()).body());
            JsonNode last = telemetry.get(telemetry.size() - 1);
            assertEquals("hello control", last.get("body").asText());
            assertEquals("device3", last.get("annotations").get("iothub-connection-device-id").asText());

            HttpResponse<String> trace = call("GET", "/hubsim/trace/" + mine.get("id").asText(), null, owner());
            assertEquals("application/x-ndjson", trace.headers().firstValue("Content-Type").orElse(""));
            assertTrue(trace.body().lines().anyMatch(l -> l.contains("\"ATTACH\"") && l.contains("inspected")), trace.body());
            assertTrue(call("GET", "/hubsim/trace/" + mine.get("id").asText() + "?format=text", null, owner()).body().contains("<- ATTACH"));
            assertEquals(404, call("GET", "/hubsim/trace/c999999", null, owner()).statusCode());
        }
    }

    @Test
    void cloudToDeviceCanBeInjectedAndPurged() throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpResponse<String> injected = call("POST", "/hubsim/c2d/device2", "{\"body\":\"from curl\",\"messageId\":\"inj-1\",\"properties\":{\"k\":\"v\"}}", owner());
        assertEquals(201, injected.statusCode(), injected.body());
        try (AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device2", hub.deviceToken("device2", Duration.ofHours(1)));
            Receiver inbox = device.receiver(device.session(), "c2d", "/devices/device2/messages/devicebound", 1);
            Message got = device.receive(inbox);
            assertEquals("inj-1", got.getMessageId());
            assertEquals("v", got.getApplicationProperties().getValue().get("k"));
        }
        call("POST", "/hubsim/c2d/device2", "{\"body\":\"a\"}", owner());
        call("POST", "/hubsim/c2d/device2", "{\"body\":\"b\"}", owner());
        assertEquals(2, JSON.readTree(call("POST", "/hubsim/c2d/device2/purge", null, owner()).body()).get("purged").asInt());
        HttpResponse<String> unknown = call("POST", "/hubsim/c2d/ghost", "{\"body\":\"x\"}", owner());
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("amqp:not-found"), unknown.body());
    }

    @Test
    void faultsCanBeInjectedOverHttpAndResetClearsThem() throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpResponse<String> planned = call("POST", "/hubsim/faults/reject-transfers",
                "{\"deviceId\":\"device1\",\"count\":1,\"condition\":\"com.microsoft:device-container-throttled\",\"description\":\"over http\"}", owner());
        assertEquals(200, planned.statusCode(), planned.body());
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(AmqpTestClient.binary("x")));
            Rejected rejected = assertInstanceOf(Rejected.class, client.send(sender, m));
            assertEquals(Symbol.valueOf("com.microsoft:device-container-throttled"), rejected.getError().getCondition());

            assertEquals(400, call("POST", "/hubsim/faults/set-fire", "{}", owner()).statusCode());
            assertEquals(400, call("POST", "/hubsim/faults/refuse-attaches", "{not json", owner()).statusCode());
            call("POST", "/hubsim/faults/refuse-attaches", "{\"count\":5,\"condition\":\"amqp:not-allowed\"}", owner());
            assertEquals(200, call("POST", "/hubsim/reset", null, owner()).statusCode());
            assertTrue(client.isAttached(client.sender(client.session(), "after-reset", "/devices/device1/messages/events")), "reset cleared the planned refusals");
            assertEquals(0, hub.telemetryCount(), "reset forgot the stored telemetry");

            assertEquals(1, JSON.readTree(call("POST", "/hubsim/faults/drop-connection", "{\"deviceId\":\"device1\",\"description\":\"bye\"}", owner()).body())
                    .get("affected").asInt());
            assertEquals("bye", client.awaitConnectionClosed().getDescription());
        }
    }
}
