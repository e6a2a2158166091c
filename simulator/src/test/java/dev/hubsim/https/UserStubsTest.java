package dev.hubsim.https;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Static answers come from WireMock files (mappings/, __files/) that users add without Java; the hub's APIs stay. */
class UserStubsTest {
    @Test
    void aStubFromTheFixturesDirectoryIsServedBesideTheRegistry() throws Exception {
        try (HubSimulator hub = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .stubs(Path.of("../fixtures/wiremock")).start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
            HttpResponse<String> stubbed = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + hub.httpsPort() + "/statistics/service")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stubbed.statusCode());
            assertEquals("{\"connectedDeviceCount\":0}", stubbed.body().trim());
            HttpResponse<String> registry = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + hub.httpsPort() + "/devices/device1"))
                    .header("Authorization", hub.policyToken("registryRead", Duration.ofMinutes(1))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, registry.statusCode(), registry.body());
        }
    }
}
