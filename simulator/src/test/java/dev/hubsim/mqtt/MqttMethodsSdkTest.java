package dev.hubsim.mqtt;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
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

/**
 * Direct methods to MQTT devices: the service SDK 2.1.9's DirectMethodsClient (HTTPS on 443) invokes, the device SDK
 * 2.5.0 answers over MQTT (8883) and MQTT_WS (443), and a ModuleClient over MQTT answers on its own. The same core
 * method service as over AMQP.
 */
class MqttMethodsSdkTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().httpsPort(HubSimulator.SDK_HTTPS_PORT)
            .mqttsPort(HubSimulator.SDK_MQTTS_PORT).build();
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

    private static DirectMethodRequestOptions options(Object payload) {
        return DirectMethodRequestOptions.builder().payload(payload).methodResponseTimeoutSeconds(30).methodConnectTimeoutSeconds(0).build();
    }

    private static void answerEcho(InternalClient client) throws Exception {
        client.open(true);
        client.subscribeToMethods((name, payload, context) ->
                // A sorted map: Map.of's iteration order changes from JVM to JVM, the expected JSON text does not.
                new DirectMethodResponse(201, new java.util.TreeMap<>(Map.of("echo", name, "got", payload.getPayloadAsJsonElement()))), null);
    }

    @Test
    void aDeviceAnswersOverMqttAndMqttWebSockets() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        for (IotHubClientProtocol protocol : new IotHubClientProtocol[]{IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS}) {
            DeviceClient client = new DeviceClient(info.devices().get(0).connectionString(), protocol,
                    ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
            try {
                answerEcho(client);
                var response = service(info).invoke(info.devices().get(0).deviceId(), "reboot", options(Map.of("delay", 3)));
                assertEquals(201, response.getStatus(), "the device's status, over " + protocol);
                assertEquals("{\"echo\":\"reboot\",\"got\":{\"delay\":3}}", response.getPayloadAsJsonString(), "over " + protocol);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aModuleClientOverMqttAnswersOnItsOwn() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.ModuleEntry module = info.modules().get(0);
        ModuleClient client = new ModuleClient(module.connectionString(), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        try {
            answerEcho(client);
            var response = service(info).invoke(module.deviceId(), module.moduleId(), "status", options("hi"));
            assertEquals("{\"echo\":\"status\",\"got\":\"hi\"}", response.getPayloadAsJsonString());
        } finally {
            client.close();
        }
    }
}
