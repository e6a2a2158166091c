package dev.hubsim.testing;

import dev.hubsim.probe.Endpoint;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.SaslChoice;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe after the peer resets its connection (as the soak's chaos and fault injection do): a write that fails must
 * leave the engine usable, so the caller sees the socket end instead of an exception out of the engine. Before the fix
 * a failed write left Proton's output head moved without a pop, and the next write threw BufferUnderflowException.
 */
class ProbeResetTest {
    @Test
    void writesAfterTheRemoteResetFailQuietly() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProbeConnection probe = ProbeConnection.connect(new Endpoint("127.0.0.1", server.getLocalPort(), null, "localhost"),
                    SaslChoice.none(), "reset-test");
            try (Socket accepted = server.accept()) {
                accepted.getInputStream().read(new byte[8]); // the AMQP header
                accepted.setSoLinger(true, 0); // close with a reset
            }
            probe.awaitCondition("the socket to end after the reset", Duration.ofSeconds(10), () -> probe.socketEnded());
            // The first write after the reset fails on the socket; the ones after it used to throw.
            for (int i = 0; i < 3; i++) {
                assertDoesNotThrow(probe::beginSession);
            }
            assertTrue(probe.socketEnded());
            probe.closeNow();
        }
    }
}
