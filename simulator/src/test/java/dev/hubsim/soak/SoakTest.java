package dev.hubsim.soak;

import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 devices under random connection drops for a minute (ten with -Psoak, or -Dhubsim.soak.seconds=N):
 * count-in equals count-out for telemetry and cloud-to-device messages.
 */
class SoakTest {
    private static final int DEVICES = Integer.getInteger("hubsim.soak.devices", 1000);
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("hubsim.soak.seconds", 60));

    @Test
    void everyAcceptedMessageIsAccountedForAfterRandomDrops(@TempDir Path dataDir) throws Exception {
        try (HubSimulator hub = HubSimulator.builder().dataDir(dataDir).amqpsPort(0).amqpPort(0).httpsPort(0)
                .telemetryRetained(10_000_000)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200))).start()) {
            Soak.Plan plan = new Soak.Plan(DEVICES, 20, LOAD, Duration.ofSeconds(1), 50, Duration.ofSeconds(2), Duration.ofSeconds(60));
            Outcome outcome = new Soak(hub, plan).run();
            System.out.println(outcome.figures());
            assertEquals(java.util.List.of(), outcome.problems(), outcome.figures());
            // The run did what it claims: load flowed, connections were dropped and came back, C2D ended every way.
            assertTrue(outcome.telemetryAccepted() >= DEVICES * (LOAD.toSeconds() / 4), outcome.figures());
            assertTrue(outcome.drops() >= LOAD.toSeconds() / 4 && outcome.reconnects() >= outcome.drops() / 2, outcome.figures());
            assertTrue(outcome.feedbackByStatus().keySet().containsAll(java.util.List.of("Success", "Rejected", "DeliveryCountExceeded")), outcome.figures());
        }
    }
}
