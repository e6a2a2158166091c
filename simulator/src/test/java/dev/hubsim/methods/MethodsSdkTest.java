package dev.hubsim.methods;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.ExportedTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Direct methods with the real SDKs on their hard-coded ports (5671, 443): the device SDK 2.5.0's DeviceClient (AMQPS
 * and AMQPS_WS) and ModuleClient answer through subscribeToMethods; the service SDK 2.1.9's DirectMethodsClient
 * invokes, and sees the hub's timeout and offline errors. Only the printed connection strings and the exported trust.
 */
class MethodsSdkTest {
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

    private static DirectMethodsClient service(SimulatorInfo info) {
        return new DirectMethodsClient(info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString());
    }

    private static String device(SimulatorInfo info, String id) {
        return info.devices().stream().filter(d -> d.deviceId().equals(id)).findFirst().orElseThrow().connectionString();
    }

    /** The SDK's default connect timeout is 200 s while its HTTP read timeout is 24 s: the calls here set it to 0. */
    private static DirectMethodRequestOptions options(Object payload, int responseTimeout) {
        return DirectMethodRequestOptions.builder().payload(payload).methodResponseTimeoutSeconds(responseTimeout).methodConnectTimeoutSeconds(0).build();
    }

    /** JSON compared as a tree: the SDK's map has no member order. */
    private static com.google.gson.JsonElement json(String text) {
        return com.google.gson.JsonParser.parseString(text);
    }

    /** Answers every method with status 200 and {"echo": <name>, "got": <payload>}. */
    private static void answerEcho(InternalClient client) throws Exception {
        // README:begin methods-device-example
        client.open(true);
        client.subscribeToMethods((name, payload, context) ->
                new DirectMethodResponse(200, Map.of("echo", name, "got", payload.getPayloadAsJsonElement())), null);
        // README:end methods-device-example
    }

    @Test
    void aDeviceAnswersOverAmqpsAndWebSockets() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        for (IotHubClientProtocol protocol : new IotHubClientProtocol[]{IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS}) {
            DeviceClient client = new DeviceClient(device(info, "device1"), protocol, ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
            try {
                answerEcho(client);
                String serviceConnectionString = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow()
                        .connectionString();
                // README:begin methods-service-example
                DirectMethodsClient methods = new DirectMethodsClient(serviceConnectionString);
                var response = methods.invoke("device1", "reboot", DirectMethodRequestOptions.builder()
                        .payload(Map.of("delay", 3)).methodResponseTimeoutSeconds(30).methodConnectTimeoutSeconds(0).build());
                // README:end methods-service-example
                assertEquals(200, response.getStatus());
                assertEquals(json("{\"echo\":\"reboot\",\"got\":{\"delay\":3}}"), response.getPayloadAsJsonElement(), "over " + protocol);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aModuleAnswersOnItsOwn() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        String module = info.modules().stream().filter(m -> m.moduleId().equals("module1")).findFirst().orElseThrow().connectionString();
        ModuleClient client = new ModuleClient(module, IotHubClientProtocol.AMQPS, ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        try {
            answerEcho(client);
            com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse r = service(info).invoke("device1", "module1", "status", options("hi", 30));
            assertEquals(json("{\"echo\":\"status\",\"got\":\"hi\"}"), r.getPayloadAsJsonElement());
            IotHubNotFoundException deviceItself = assertThrows(IotHubNotFoundException.class,
                    () -> service(info).invoke("device1", "status", options(null, 30)));
            assertEquals(404103, deviceItself.getErrorCode(), "the module's subscription is not the device's");
        } finally {
            client.close();
        }
    }

    @Test
    void anUnansweredCallTimesOutAndAnOfflineDeviceIsNotOnline() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        IotHubNotFoundException offline = assertThrows(IotHubNotFoundException.class, () -> service(info).invoke("device2", "m", options(null, 30)));
        assertEquals(404103, offline.getErrorCode());
        DeviceClient client = new DeviceClient(device(info, "device3"), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        try {
            client.open(true);
            // A callback that returns null makes the Java SDK reject the request and send no answer.
            client.subscribeToMethods((name, payload, context) -> null, null);
            IotHubGatewayTimeoutException timeout = assertThrows(IotHubGatewayTimeoutException.class,
                    () -> service(info).invoke("device3", "m", options(null, 5)));
            assertEquals(504101, timeout.getErrorCode());
        } finally {
            client.close();
        }
    }
}
