package dev.hubsim.registry;

import dev.hubsim.HubSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With persistence on, registry changes made at run time are there after a restart on the same data directory. */
class RegistryJournalTest {
    private static final String KEY = Base64.getEncoder().encodeToString("a-key-for-a-device-made-at-run-time".getBytes());

    private static HubSimulator start(Path dir, boolean persistent) {
        return HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).persistent(persistent).start();
    }

    @Test
    void createdUpdatedAndDeletedDevicesSurviveARestart(@TempDir Path dir) {
        try (HubSimulator hub = start(dir, true)) {
            DeviceRegistry r = hub.hub().registry();
            r.put(new Device("made-live", KEY, KEY, DeviceStatus.ENABLED, "gen-1"));
            r.setStatus("device2", DeviceStatus.DISABLED);
            r.remove("device3");
        }
        try (HubSimulator hub = start(dir, true)) {
            DeviceRegistry r = hub.hub().registry();
            assertEquals(new Device("made-live", KEY, KEY, DeviceStatus.ENABLED, "gen-1"), r.device("made-live").orElseThrow());
            assertEquals(DeviceStatus.DISABLED, r.device("device2").orElseThrow().status());
            assertTrue(r.device("device3").isEmpty(), "a deletion survives");
            assertTrue(r.device("device1").isPresent(), "the config's devices are still there");
        }
    }

    @Test
    void modulesSurviveARestartAndGoWithTheirDevice(@TempDir Path dir) {
        try (HubSimulator hub = start(dir, true)) {
            DeviceRegistry r = hub.hub().registry();
            assertTrue(r.modules().module("device1", "module1").isPresent(), "the embedded hub has one module");
            r.modules().put(new Module("device2", "made-live", KEY, KEY, "gen-2", null));
            r.modules().put(new Module("device3", "goes-with-device3", KEY, KEY, "gen-3", null));
            r.modules().remove("device1", "module1");
            r.remove("device3");
            assertTrue(r.modules().of("device3").isEmpty(), "deleting a device deletes its modules");
        }
        try (HubSimulator hub = start(dir, true)) {
            DeviceRegistry r = hub.hub().registry();
            assertEquals(new Module("device2", "made-live", KEY, KEY, "gen-2", null), r.modules().module("device2", "made-live").orElseThrow());
            assertTrue(r.modules().module("device1", "module1").isEmpty(), "a module deletion survives");
            assertTrue(r.modules().of("device3").isEmpty());
        }
    }

    @Test
    void withoutPersistenceARestartStartsFromTheConfig(@TempDir Path dir) {
        try (HubSimulator hub = start(dir, false)) {
            hub.hub().registry().remove("device3");
        }
        try (HubSimulator hub = start(dir, false)) {
            assertTrue(hub.hub().registry().device("device3").isPresent());
        }
    }
}
