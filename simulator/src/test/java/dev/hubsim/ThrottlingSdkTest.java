package dev.hubsim;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.ExportedTrust;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.Tier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real SDKs against an S1 x 1 hub (100 device-to-cloud sends a second) with a short backlog (0.1 s): the device
 * SDK 2.5.0 sending faster than that has some sends Rejected as throttled, retries them by its policy, and every message
 * ends Accepted and stored once; the service SDK 2.1.9 gets its 429 exception on a throttled registry call. Ports 5671
 * and 443, as the SDKs need.
 */
class ThrottlingSdkTest {
    private static final int MESSAGES = 400;

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().amqpsPort(HubSimulator.SDK_AMQPS_PORT)
            .httpsPort(HubSimulator.SDK_HTTPS_PORT)
            .configure(b -> b.throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(0.1).withBacklog(0.1, Duration.ofSeconds(10))))
            .build();

    private static AutoCloseable trust;

    @BeforeAll
    static void trustTheHubForHttpsUrlConnection() throws Exception {
        trust = ExportedTrust.asHttpsUrlConnectionDefault(HUB.simulator().info());
    }

    @AfterAll
    static void restore() throws Exception {
        trust.close();
    }

    @Test
    void theDeviceSdkBacksOffAndEveryMessageIsEventuallyAcceptedAndStoredOnce() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        SimulatorInfo.DeviceEntry device = info.devices().get(0);
        DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).build());
        Map<String, IotHubStatusCode> outcomes = new ConcurrentHashMap<>();
        CountDownLatch settled = new CountDownLatch(MESSAGES);
        long start = System.nanoTime();
        try {
            client.open(true);
            for (int i = 0; i < MESSAGES; i++) {
                String body = "burst-" + i;
                client.sendEventAsync(new Message(body), (sent, exception, context) -> {
                    outcomes.put(body, exception == null ? IotHubStatusCode.OK : exception.getStatusCode());
                    settled.countDown();
                }, null);
            }
            assertTrue(settled.await(120, TimeUnit.SECONDS), "every send completed: " + (MESSAGES - settled.getCount()));
        } finally {
            client.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long throttled = HUB.simulator().throttling().throttled(device.deviceId(), Operation.D2C_SEND);
        System.out.printf("device SDK: %d messages in %.1f s (%.0f/s; S1 x 1 allows 100/s), %d attempts throttled%n",
                MESSAGES, seconds, MESSAGES / seconds, throttled);
        assertEquals(MESSAGES, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(IotHubStatusCode.OK::equals), "every message Accepted in the end: "
                + outcomes.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
        assertTrue(throttled > 0, "the hub throttled some attempts (the SDK sent faster than the tier allows)");
        List<String> stored = HUB.simulator().telemetry(device.deviceId()).stream()
                .map(t -> new String(t.body(), StandardCharsets.UTF_8)).filter(b -> b.startsWith("burst-")).toList();
        assertEquals(MESSAGES, stored.size(), "nothing lost, nothing stored twice");
        assertEquals(MESSAGES, stored.stream().distinct().count());
    }

    @Test
    void theServiceSdkGetsItsTooManyRequestsExceptionOnAThrottledRegistryCall() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        String owner = info.policies().stream().filter(p -> p.name().equals("iothubowner")).findFirst().orElseThrow().connectionString();
        RegistryClient registry = new RegistryClient(owner);
        HUB.simulator().faults().throttleNext("device2", Operation.REGISTRY, 1);
        IotHubTooManyRequestsException e = assertThrows(IotHubTooManyRequestsException.class, () -> registry.getDevice("device2"));
        assertEquals(429, e.getErrorCode(), "the SDK's code is the HTTP status");
        assertTrue(e.getMessage().contains("\"errorCode\":429001") && e.getMessage().contains("ThrottlingException"), e.getMessage());
        assertEquals("device2", registry.getDevice("device2").getDeviceId(), "the next call is served");
        assertEquals(1, HUB.simulator().throttling().throttled("device2", Operation.REGISTRY));
    }

    @Test
    void theServiceSdkGetsItsTooManyRequestsExceptionOnAThrottledMethodCall() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        String service = info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
        DirectMethodsClient methods = new DirectMethodsClient(service);
        HUB.simulator().faults().throttleNext("device3", Operation.METHOD, 1);
        IotHubTooManyRequestsException e = assertThrows(IotHubTooManyRequestsException.class,
                () -> methods.invoke("device3", "reboot", DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(5).build()));
        assertTrue(e.getMessage().contains("429001") || e.getErrorCode() == 429001, e.getMessage());
        assertEquals(1, HUB.simulator().throttling().throttled("device3", Operation.METHOD));
    }
}
