package dev.hubsim.modules;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.ExportedTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Modules with the real SDKs on their hard-coded ports (5671, 443): the service SDK 2.1.9's RegistryClient manages
 * modules, and the device SDK 2.5.0's ModuleClient sends telemetry over AMQPS and AMQPS_WS with the connection string
 * the simulator prints.
 */
class ModulesSdkTest {
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

    static String policy(SimulatorInfo info, String name) {
        return info.policies().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().connectionString();
    }

    static String module(SimulatorInfo info, String deviceId, String moduleId) {
        return info.modules().stream().filter(m -> m.deviceId().equals(deviceId) && m.moduleId().equals(moduleId)).findFirst().orElseThrow()
                .connectionString();
    }

    @Test
    void theRegistryClientManagesModules() throws Exception {
        RegistryClient registry = new RegistryClient(policy(HUB.simulator().info(), "iothubowner"));
        Module created = registry.addModule(new Module("device2", "sdk-module"));
        assertNotNull(created.getPrimaryKey(), "keys are generated when not given");
        assertEquals("sdk-module", registry.getModule("device2", "sdk-module").getId());
        assertThrows(IotHubConflictException.class, () -> registry.addModule(new Module("device2", "sdk-module")));
        List<Module> onDevice = registry.getModulesOnDevice("device2");
        assertEquals(List.of("sdk-module"), onDevice.stream().map(Module::getId).toList());
        Module updated = registry.updateModule(created);
        assertTrue(!updated.getETag().equals(created.getETag()), "an update changes the etag");
        registry.removeModule("device2", "sdk-module");
        assertThrows(IotHubNotFoundException.class, () -> registry.getModule("device2", "sdk-module"));
        assertTrue(registry.getModulesOnDevice("device1").stream().anyMatch(m -> m.getId().equals("module1")), "the embedded hub's module");
    }

    @Test
    void theModuleClientSendsTelemetryStampedWithItsModuleIdOverAmqpsAndWebSockets() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        for (IotHubClientProtocol protocol : new IotHubClientProtocol[]{IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS}) {
            ModuleClient client = new ModuleClient(module(info, "device1", "module1"), protocol,
                    ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
            try {
                client.open(true);
                client.sendEvent(new Message("module over " + protocol));
            } finally {
                client.close();
            }
        }
        List<RecordedTelemetry> stored = HUB.simulator().telemetry("device1");
        assertEquals(2, stored.size());
        stored.forEach(t -> assertEquals("module1", t.annotations().get("iothub-connection-module-id")));
    }
}
