package dev.hubsim.junit;

import dev.hubsim.HubSimulator;
import dev.hubsim.registry.Device;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@HubSimulatorTest(config = "hubs/small-hub.yaml")
class AnnotationModeTest {
    private static HubSimulator first;

    @Test
    void theConfiguredHubRunsOnFreePorts(HubSimulator hub) {
        assertEquals("smallhub", hub.hub().name());
        assertEquals(List.of("retired-1", "sensor-1"), hub.hub().registry().devices().stream().map(Device::deviceId).toList());
        assertFalse(hub.hub().registry().device("retired-1").orElseThrow().enabled());
        assertNotEquals(HubSimulator.SDK_AMQPS_PORT, hub.amqpsPort());
        assertTrue(hub.amqpsPort() > 0 && hub.amqpPort() > 0);
        assertTrue(hub.deviceConnectionString("sensor-1").startsWith("HostName=127.0.0.1;DeviceId=sensor-1;SharedAccessKey="));
        sameSimulatorForTheWholeClass(hub);
    }

    @Test
    void oneSimulatorServesTheWholeClass(HubSimulator hub) {
        sameSimulatorForTheWholeClass(hub);
    }

    private static synchronized void sameSimulatorForTheWholeClass(HubSimulator hub) {
        if (first == null) {
            first = hub;
        }
        assertSame(first, hub);
    }
}
