package dev.hubsim.twin;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinStatus;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.testing.ExportedTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twin queries with the real service SDK 2.1.9 (TwinClient.query and QueryClient.queryTwins, page by page), configured
 * only with the service connection string the simulator prints and its exported trust. The SDK talks HTTPS to port 443.
 */
class QuerySdkTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().resetBetweenTests(false)
            .hub(new HubConfig("simhub", null, List.of(
                    new HubConfig.DeviceSpec("boiler-1", null, null, null, List.of(new HubConfig.ModuleSpec("sensor", null, null))),
                    new HubConfig.DeviceSpec("boiler-2", null, null, null),
                    new HubConfig.DeviceSpec("fan-1", null, null, null),
                    new HubConfig.DeviceSpec("fan-2", null, null, null),
                    new HubConfig.DeviceSpec("pump-1", null, null, DeviceStatus.DISABLED)), null))
            .amqpsPort(0).httpsPort(HubSimulator.SDK_HTTPS_PORT).build();

    private static AutoCloseable trust;

    @BeforeAll
    static void tagTheTwinsAndTrustTheHub() throws Exception {
        trust = ExportedTrust.asHttpsUrlConnectionDefault(HUB.simulator().info());
        HUB.simulator().twins().patchTags("boiler-1", "{\"site\":\"lab\",\"floor\":1}");
        HUB.simulator().twins().patchTags("boiler-2", "{\"site\":\"plant\"}");
        HUB.simulator().twins().patchDesired("boiler-2", "{\"mode\":\"eco\"}");
        HUB.simulator().twins().patchTags("fan-1", "{\"site\":\"lab\",\"floor\":2}");
        HUB.simulator().twins().patchDesired("pump-1", "{\"mode\":\"eco\"}");
        HUB.simulator().twins().patchDesired("boiler-1", "sensor", "{\"rate\":5}");
    }

    @AfterAll
    static void restore() throws Exception {
        trust.close();
    }

    private static String service(SimulatorInfo info) {
        return info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString();
    }

    @Test
    void twinClientQueryPagesThroughTheTwinsAnOrSelects() throws Exception {
        SimulatorInfo info = HUB.simulator().info();
        // README:begin query-example
        TwinClient twins = new TwinClient(service(info));
        QueryPageOptions pages = QueryPageOptions.builder().pageSize(2).build();
        TwinQueryResponse result = twins.query("SELECT * FROM devices WHERE tags.site = 'lab' OR properties.desired.mode = 'eco'", pages);
        List<Twin> found = new ArrayList<>();
        while (result.hasNext()) {
            found.add(result.next(pages));
        }
        // README:end query-example
        assertEquals(List.of("boiler-1", "boiler-2", "fan-1", "pump-1"), found.stream().map(Twin::getDeviceId).toList(),
                "two full pages; a token after the last would make the SDK's next() fail on an empty page");
        assertEquals("lab", found.get(0).getTags().get("site"));
        assertEquals("eco", found.get(3).getDesiredProperties().get("mode"));
        assertEquals(TwinStatus.DISABLED, found.get(3).getStatus());
        assertNotNull(found.get(0).getETag());
    }

    @Test
    void queryClientReadsPageByPageWithTheContinuationToken() throws Exception {
        QueryClient queries = new QueryClient(service(HUB.simulator().info()));
        TwinQueryResponse first = queries.queryTwins("SELECT * FROM devices", QueryPageOptions.builder().pageSize(3).build());
        String token = first.getContinuationToken();
        assertNotNull(token, "five devices, pages of three: more remain");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(first.next().getDeviceId());
        }
        TwinQueryResponse second = queries.queryTwins("SELECT * FROM devices",
                QueryPageOptions.builder().pageSize(3).continuationToken(token).build());
        assertNull(second.getContinuationToken(), "the last page");
        while (second.hasNext()) {
            ids.add(second.next().getDeviceId());
        }
        assertEquals(List.of("boiler-1", "boiler-2", "fan-1", "fan-2", "pump-1"), ids);

        TwinQueryResponse and = queries.queryTwins("select * from devices where tags.site = 'lab' and tags.floor = 2");
        assertEquals("fan-1", and.next().getDeviceId());
        assertTrue(!and.hasNext(), "AND keeps only fan-1");
        TwinQueryResponse modules = queries.queryTwins("SELECT * FROM devices.modules WHERE properties.desired.rate = 5");
        Twin module = modules.next();
        assertEquals("boiler-1", module.getDeviceId());
        assertEquals("sensor", module.getModuleId());
        assertTrue(!modules.hasNext());
    }

    @Test
    void anUnsupportedQueryIsABadFormatErrorNamingWhat() {
        TwinClient twins = new TwinClient(service(HUB.simulator().info()));
        IotHubBadFormatException e = assertThrows(IotHubBadFormatException.class,
                () -> twins.query("SELECT * FROM devices GROUP BY tags.site"));
        assertTrue(e.getMessage().contains("'GROUP BY' is not supported"), e.getMessage());
    }
}
