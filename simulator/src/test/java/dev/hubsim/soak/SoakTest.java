package dev.hubsim.soak;

import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 devices under random connection drops for 10 s in the build (ten minutes with -Psoak, or
 * -Dhubsim.soak.seconds=N): nothing acknowledged is lost. Every Accepted telemetry message is stored once; an outcome
 * is missing only for a message in flight on a connection the hub dropped, at most one per device of that connection
 * per drop, and such a message is stored once or not at all; nothing is refused; every C2D message the hub accepted
 * ends with the feedback its last settlement means.
 */
class SoakTest {
    private static final int DEVICES = Integer.getInteger("hubsim.soak.devices", 1000);
    private static final int CONNECTIONS = 20;
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("hubsim.soak.seconds", 10));

    @Test
    void everyAcceptedMessageIsAccountedForAfterRandomDrops(@TempDir Path dataDir) throws Exception {
        try (HubSimulator hub = HubSimulator.builder().dataDir(dataDir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .telemetryRetained(10_000_000)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200))).start()) {
            Soak.Plan plan = new Soak.Plan(DEVICES, CONNECTIONS, LOAD, Duration.ofSeconds(1), 50, Duration.ofSeconds(2), Duration.ofSeconds(60));
            Outcome outcome = new Soak(hub, plan).run();
            System.out.println(outcome.figures());
            String figures = outcome.figures();
            assertEquals(List.of(), outcome.problems(), figures);
            assertEquals(0, outcome.telemetryNotAccepted(), "telemetry refused by the hub: " + figures);
            assertEquals(0, outcome.c2dRefused(), "C2D refused by the hub: " + figures);
            assertEquals(outcome.telemetrySent(), outcome.telemetryAccepted() + outcome.telemetryOutcomeLost(), figures);
            assertTrue(outcome.telemetryOutcomeLost() <= outcome.lostBound(), figures);
            assertEquals(outcome.telemetryAccepted() + outcome.lostStored(), outcome.telemetryStored(), figures);
            assertEquals(0, outcome.duplicates(), figures);
            // The run did what it claims: every device's telemetry flowed, connections were dropped (one every 2 s) and each came back; C2D ended every way.
            assertEquals(DEVICES, outcome.devicesAccepted(), figures);
            assertTrue(outcome.drops() >= LOAD.toSeconds() / 4, figures);
            assertEquals(outcome.drops(), outcome.reconnects(), "every dropped connection reconnected: " + figures);
            assertTrue(outcome.feedbackByStatus().keySet().containsAll(List.of("Success", "Rejected", "DeliveryCountExceeded")), figures);
        }
    }
}
