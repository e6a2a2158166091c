package dev.hubsim.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.throttling.Operation;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Twin reads and updates under the throttle: over AMQP a throttled request is answered with status 429 and IoT Hub's
 * code (reference/iothub-twin-methods-mqtt.md §7.2), over the service's HTTPS API with HTTP 429; the next is served.
 */
class TwinThrottlingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(0).amqpPort(0).httpsPort(0).build();

    @Test
    void aThrottledAmqpTwinRequestIsAnsweredWithStatus429() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = AmqpTwinLinkTest.device1(hub)) {
            AmqpTwinLinkTest.Channel twin = AmqpTwinLinkTest.open(client, "/devices/device1/twin");
            hub.faults().throttleNext("device1", Operation.TWIN_UPDATE, 1);
            Message throttled = twin.call("PATCH", "/properties/reported", "p1", "{\"temp\":1}");
            assertEquals(429, AmqpTwinLinkTest.annotation(throttled, "status"));
            assertEquals(429001, AmqpTwinLinkTest.body(throttled).path("errorCode").asInt());
            assertEquals(204, AmqpTwinLinkTest.annotation(twin.call("PATCH", "/properties/reported", "p2", "{\"temp\":2}"), "status"));
            assertEquals(1, hub.throttling().throttled("device1", Operation.TWIN_UPDATE));
        }
    }

    @Test
    void aThrottledServiceTwinReadIsHttp429() throws Exception {
        HubSimulator hub = HUB.simulator();
        HttpClient http = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort() + "/twins/device2?api-version=2021-04-12"))
                .header("Authorization", hub.policyToken("iothubowner", Duration.ofMinutes(10))).GET().build();
        hub.faults().throttleNext("device2", Operation.TWIN_READ, 1);
        HttpResponse<String> throttled = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(429, throttled.statusCode(), throttled.body());
        assertEquals(429001, JSON.readTree(JSON.readTree(throttled.body()).get("Message").asText()).get("errorCode").asInt());
        assertEquals(200, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
