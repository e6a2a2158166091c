package sample;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.junit.HubSimulatorTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device SDK always connects to port 5671, so the simulator listens there; it is reset before each test. */
@HubSimulatorTest(amqpsPort = HubSimulator.SDK_AMQPS_PORT)
class ThermostatTest {

    @Test
    void reportsTheTemperature(HubSimulator hub) throws Exception {
        try (Thermostat thermostat = new Thermostat(hub.deviceConnectionString("device1"), hub.tls().clientContext())) {
            thermostat.report(21.5);
        }
        List<RecordedTelemetry> stored = hub.telemetry("device1");
        assertEquals(1, stored.size());
        assertEquals("21.5", new String(stored.get(0).body(), StandardCharsets.UTF_8));
        assertEquals("celsius", stored.get(0).applicationProperties().get("unit"));
        assertEquals("device1", stored.get(0).annotations().get("iothub-connection-device-id"), "stamped by the hub");
    }

    @Test
    void followsTheSetpointTheCloudSends(HubSimulator hub) throws Exception {
        try (Thermostat thermostat = new Thermostat(hub.deviceConnectionString("device1"), hub.tls().clientContext())) {
            hub.cloudToDevice().send("device1", "18.0".getBytes(StandardCharsets.UTF_8), Map.of());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (thermostat.setpoint() != 18.0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertEquals(18.0, thermostat.setpoint());
            assertTrue(hub.telemetry("device1").isEmpty(), "the first test's reading was reset away");
        }
    }
}
