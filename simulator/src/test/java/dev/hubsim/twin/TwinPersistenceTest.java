package dev.hubsim.twin;

import dev.hubsim.HubSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Twins through the simulator: kept across a restart with persistence, forgotten without it and by reset(). */
class TwinPersistenceTest {
    private static HubSimulator start(Path dir, boolean persistent) {
        return HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).persistent(persistent).start();
    }

    @Test
    void twinsSurviveARestartWithPersistence(@TempDir Path dir) {
        TwinState before;
        try (HubSimulator hub = start(dir, true)) {
            hub.twins().patchTags("device1", "{\"site\":\"lab\"}");
            before = hub.twins().patchDesired("device1", "{\"fan\":{\"speed\":2}}");
        }
        try (HubSimulator hub = start(dir, true)) {
            TwinState after = hub.twins().get("device1");
            assertEquals(before.toString(), after.toString(), "tags, properties, metadata, versions and etag come back");
            assertEquals(before.version() + 1, hub.twins().patchDesired("device1", "{\"fan\":null}").version(), "versions go on");
        }
    }

    @Test
    void withoutPersistenceARestartStartsWithNewTwins(@TempDir Path dir) {
        try (HubSimulator hub = start(dir, false)) {
            hub.twins().patchTags("device1", "{\"site\":\"lab\"}");
        }
        try (HubSimulator hub = start(dir, false)) {
            assertTrue(hub.twins().get("device1").tags().isEmpty());
        }
    }

    @Test
    void resetForgetsEveryTwin(@TempDir Path dir) {
        try (HubSimulator hub = start(dir, false)) {
            hub.twins().patchDesired("device2", "{\"a\":1}");
            hub.reset();
            assertEquals(1, hub.twins().get("device2").desiredVersion());
            assertTrue(hub.twins().get("device2").desired().path("a").isMissingNode());
        }
    }
}
