package dev.hubsim.twin;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.ExportedTrust;
import dev.hubsim.testing.LostTwinAnswers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twins with the real Azure IoT Java SDKs, configured only with what the simulator prints: the device SDK 2.5.0 over
 * AMQPS and AMQP over WebSockets subscribes to desired properties (its implicit PUT), reports, reads its twin and
 * receives the change the service SDK 2.1.9's TwinClient makes; TwinClient reads, patches and replaces twins under
 * If-Match; a ModuleClient does the same on its module's own twin. The SDKs hard-code ports 5671 and 443.
 */
class TwinSdkTest {
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

    /** Well above the hub's answer time (milliseconds on loopback), well below the SDK's default 60 s. */
    private static final int RESPONSE_TIMEOUT_MS = 15_000;

    /** Device SDK 2.5.0 loses twin answers under load: see {@link LostTwinAnswers}. */
    static <T> T sdkRace(LostTwinAnswers.SdkCall<T> call) throws Exception {
        return LostTwinAnswers.call(call, () -> {
            long requests = HUB.simulator().traces().query().path("/twin").type(dev.hubsim.trace.TraceRecord.FrameType.TRANSFER)
                    .direction(dev.hubsim.trace.TraceRecord.Direction.IN).list().size();
            long answers = HUB.simulator().traces().query().path("/twin").type(dev.hubsim.trace.TraceRecord.FrameType.TRANSFER)
                    .direction(dev.hubsim.trace.TraceRecord.Direction.OUT).list().size();
            return answers >= requests;
        });
    }

    private static String service(SimulatorInfo info) {
        return info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void theDeviceSdkReportsReadsAndReceivesTheServiceSdksDesiredChange(IotHubClientProtocol protocol) throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(0);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desired = new LinkedBlockingQueue<>();

        // README:begin twin-device-example
        DeviceClient client = new DeviceClient(device.connectionString(), protocol,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        client.open(true);
        client.subscribeToDesiredProperties((twin, context) -> desired.add(twin), null);
        TwinCollection reported = new TwinCollection();
        reported.put("firmware", "1.2.3");
        reported.put("telemetryInterval", 30);
        // then: client.updateReportedProperties(reported) and client.getTwin()
        // README:end twin-device-example
        try {
            ReportedPropertiesUpdateResponse response = sdkRace(() -> client.updateReportedProperties(reported, RESPONSE_TIMEOUT_MS));
            com.microsoft.azure.sdk.iot.device.twin.Twin twin = sdkRace(() -> client.getTwin(RESPONSE_TIMEOUT_MS));

            assertEquals(HUB.simulator().twins().get(device.deviceId()).reportedVersion(), response.getVersion().longValue(), "the new reported version");
            assertEquals("1.2.3", twin.getReportedProperties().get("firmware"));
            assertEquals(30, ((Number) twin.getReportedProperties().get("telemetryInterval")).intValue());
            assertEquals(response.getVersion(), twin.getReportedProperties().getVersion());
            assertEquals(1, twin.getDesiredProperties().getVersion());

            // README:begin twin-service-example
            TwinClient twins = new TwinClient(service(info));
            Twin change = new Twin(device.deviceId());
            change.getDesiredProperties().put("fanSpeed", Map.of("target", 3));
            Twin updated = twins.patch(change);
            // README:end twin-service-example

            assertEquals("1.2.3", updated.getReportedProperties().get("firmware"), "the service sees what the device reported");
            com.microsoft.azure.sdk.iot.device.twin.Twin pushed = desired.poll(30, TimeUnit.SECONDS);
            assertNotNull(pushed, "the desired change reached the device SDK's callback");
            assertEquals(2, pushed.getDesiredProperties().getVersion());
            assertEquals(3, ((Number) ((Map<?, ?>) pushed.getDesiredProperties().get("fanSpeed")).get("target")).intValue());
        } catch (Throwable e) {
            HUB.simulator().traces().connections().forEach(c -> c.records().forEach(r -> System.out.println("TRACE " + r.toText())));
            throw e;
        } finally {
            client.close();
        }
    }

    @Test
    void aModuleClientHasItsOwnTwin() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.ModuleEntry module = info.modules().get(0);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desired = new LinkedBlockingQueue<>();
        ModuleClient client = new ModuleClient(module.connectionString(), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        client.open(true);
        try {
            client.subscribeToDesiredProperties((twin, context) -> desired.add(twin), null);
            TwinCollection reported = new TwinCollection();
            reported.put("role", "filter");
            ReportedPropertiesUpdateResponse response = sdkRace(() -> client.updateReportedProperties(reported, RESPONSE_TIMEOUT_MS));
            com.microsoft.azure.sdk.iot.device.twin.Twin twin = sdkRace(() -> client.getTwin(RESPONSE_TIMEOUT_MS));
            assertEquals("filter", twin.getReportedProperties().get("role"));
            assertEquals(response.getVersion(), twin.getReportedProperties().getVersion());
            assertNull(HUB.simulator().twins().get(module.deviceId()).reported().get("role"),
                    "the module reported into its own twin, not its device's");

            TwinClient twins = new TwinClient(service(info));
            Twin change = new Twin(module.deviceId(), module.moduleId());
            change.getDesiredProperties().put("threshold", 7);
            Twin updated = twins.patch(change);
            assertEquals(module.moduleId(), updated.getModuleId());
            assertEquals("filter", updated.getReportedProperties().get("role"), "the service reads the module's twin");
            com.microsoft.azure.sdk.iot.device.twin.Twin pushed = desired.poll(30, TimeUnit.SECONDS);
            assertNotNull(pushed, "the module's desired change reached the module client");
            assertEquals(7, ((Number) pushed.getDesiredProperties().get("threshold")).intValue());
            assertNull(HUB.simulator().twins().get(module.deviceId()).desired().get("threshold"),
                    "and not its device's twin");
        } finally {
            client.close();
        }
    }

    @Test
    void theServiceSdkReadsPatchesAndReplacesUnderIfMatch() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        TwinClient twins = new TwinClient(service(info));
        Twin fresh = twins.get("device2");
        assertEquals("device2", fresh.getDeviceId());
        assertEquals(1, fresh.getDesiredProperties().getVersion());
        assertTrue(fresh.getTags().isEmpty());
        assertTrue("Disconnected".equalsIgnoreCase(fresh.getConnectionState()), fresh.getConnectionState());

        Twin patch = new Twin("device2");
        patch.getTags().put("site", "lab");
        patch.getDesiredProperties().put("interval", 10);
        Twin patched = twins.patch(patch, fresh.getETag());
        assertEquals("lab", patched.getTags().get("site"));
        assertEquals(10, ((Number) patched.getDesiredProperties().get("interval")).intValue());
        assertEquals(2, patched.getDesiredProperties().getVersion());
        assertNotEquals(fresh.getETag(), patched.getETag());

        assertThrows(IotHubPreconditionFailedException.class, () -> twins.patch(patch, fresh.getETag()), "a stale etag gets 412");
        Twin replacement = new Twin("device2");
        replacement.getDesiredProperties().put("mode", "eco");
        assertThrows(IotHubPreconditionFailedException.class, () -> twins.replace(replacement, fresh.getETag()));

        Twin replaced = twins.replace(replacement, patched.getETag());
        assertEquals("eco", replaced.getDesiredProperties().get("mode"));
        assertNull(replaced.getDesiredProperties().get("interval"), "replace drops what the new desired does not hold");
        assertTrue(replaced.getTags().isEmpty(), "and tags it does not give");
        assertEquals(3, replaced.getDesiredProperties().getVersion());

        Twin removal = new Twin("device2");
        removal.getDesiredProperties().put("mode", null);
        removal.getDesiredProperties().put("other", 1);
        assertNull(twins.patch(removal).getDesiredProperties().get("mode"), "null removes");

        assertThrows(IotHubNotFoundException.class, () -> twins.get("no-such-device"));
        Twin tooLong = new Twin("device2");
        tooLong.getTags().put("t", "x".repeat(4097));
        IotHubBadFormatException bad = assertThrows(IotHubBadFormatException.class, () -> twins.patch(tooLong));
        assertTrue(bad.getMessage().contains("4096"), bad.getMessage());
    }
}
