package dev.hubsim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A port taken after the free-port check, before the broker binds it, gets the same clear error as one taken before. */
class PortRaceTest {
    @Test
    void aPortTakenBetweenTheCheckAndTheBindNamesThePortAndItsOption(@TempDir Path dir) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        AtomicReference<ServerSocket> taker = new AtomicReference<>();
        HubSimulator.Builder builder = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(port).httpsPort(0).mqttsPort(0);
        builder.afterPortCheck = () -> {
            try {
                taker.set(new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            PortInUseException e = assertThrows(PortInUseException.class, builder::start);
            String prefix = "AMQP port " + port + " on 127.0.0.1 is in use (";
            assertEquals(prefix, e.getMessage().substring(0, Math.min(prefix.length(), e.getMessage().length())), e.getMessage());
            assertEquals(true, e.getMessage().endsWith("); choose another with --amqp-port / amqpPort(...), or 0 for a free one"), e.getMessage());
        } finally {
            if (taker.get() != null) {
                taker.get().close();
            }
        }
    }
}
