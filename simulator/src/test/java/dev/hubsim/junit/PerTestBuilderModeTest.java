package dev.hubsim.junit;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Builder mode on an instance field: each test method gets a simulator of its own, stopped after it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestBuilderModeTest {
    private static HubSimulator previous;

    @RegisterExtension
    final HubSimulatorExtension hub = HubSimulatorExtension.builder()
            .hub(new HubConfig("builderhub", List.of("127.0.0.1"), List.of(new HubConfig.DeviceSpec("only", null, null, null)), null))
            .build();

    @Test
    @Order(1)
    void theBuiltHubRuns(HubSimulator injected) {
        assertEquals("builderhub", hub.simulator().hub().name());
        assertEquals(hub.simulator(), injected);
        previous = injected;
    }

    @Test
    @Order(2)
    void theNextTestGetsAFreshSimulatorAndThePreviousOneIsStopped() {
        assertNotSame(previous, hub.simulator());
        int oldPort = previous.amqpPort();
        assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", oldPort).close(), "the first test's simulator no longer listens");
    }
}
