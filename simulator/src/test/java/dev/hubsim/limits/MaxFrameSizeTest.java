package dev.hubsim.limits;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hub's Open advertises the max frame size it was started with, and Artemis' 131,072 bytes without one. */
class MaxFrameSizeTest {

    private static long advertised(HubSimulator hub) throws Exception {
        try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen()) {
            TraceRecord open = hub.traces().query().type(TraceRecord.FrameType.OPEN).direction(TraceRecord.Direction.OUT).first().orElseThrow();
            return ((Number) open.fields().get("max-frame-size")).longValue();
        }
    }

    @Test
    void theOpenAdvertisesTheConfiguredMaxFrameSize() throws Exception {
        try (HubSimulator hub = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .maxFrameSize(65_536).start()) {
            assertEquals(65_536, advertised(hub));
        }
        try (HubSimulator hub = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .start()) {
            assertEquals(HubSimulator.DEFAULT_MAX_FRAME_SIZE, advertised(hub));
            assertEquals(16_384, HubSimulator.DEFAULT_MAX_FRAME_SIZE, "the shipped default (README)");
        }
    }
}
