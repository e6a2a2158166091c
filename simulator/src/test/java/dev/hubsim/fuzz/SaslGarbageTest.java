package dev.hubsim.fuzz;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubsim.HubSimulator;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.EventLoopCpu;
import dev.hubsim.testing.RawAmqp;
import dev.hubsim.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23's reproduction: the SASL protocol header and then 2 KB of random bytes pinned an acceptor event loop at
 * 100% CPU for good, and the connections Netty gave that loop afterwards were never served (Proton-J's SASL frame
 * parser and Artemis' input loop, docs/upstream/proton-j-sasl-spin.md). On the plain port, the TLS port and AMQP over
 * WebSockets, the server now closes such a socket at once, says why in one log line, no event loop keeps burning CPU,
 * and every later connection is served. Without {@code UnreadableInputGuard} each of these tests fails.
 */
class SaslGarbageTest {
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);
    /** Fixed bytes: random-looking, and the size field they put after the header is no valid SASL frame size. */
    private static final byte[] GARBAGE = new byte[2048];
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static HubSimulator hub;

    @BeforeAll
    static void start(@TempDir Path dir) {
        new Random(23).nextBytes(GARBAGE);
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
        hub = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).start();
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        if (hub != null) {
            hub.close();
        }
    }

    private static byte[] reproduction() {
        return RawAmqp.concat(RawAmqp.SASL_HEADER, GARBAGE);
    }

    /**
     * On the plain port Netty reads the 2,056 bytes as 2,048 and then 8, which is what makes the loop spin; TLS records
     * and WebSocket frames arrive whole, so there the same bytes go in two records or frames split the same way.
     */
    private static byte[][] reproductionAsThePlainPortReadsIt() {
        byte[] all = reproduction();
        return new byte[][]{Arrays.copyOf(all, 2048), Arrays.copyOfRange(all, 2048, all.length)};
    }

    @Test
    void onThePlainPort() throws Exception {
        try (RawAmqp raw = RawAmqp.plain(hub.amqpPort())) {
            raw.write(reproduction());
            assertClosedBy(raw);
            assertLoggedFor(":" + raw.localPort());
        }
        assertNoEventLoopBusy("amqp");
        for (int i = 0; i < freshConnections(); i++) {
            AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen().close();
        }
    }

    @Test
    void onTheTlsPort() throws Exception {
        try (RawAmqp raw = RawAmqp.tls(hub.amqpsPort(), hub.tls().clientContext())) {
            for (byte[] record : reproductionAsThePlainPortReadsIt()) {
                raw.write(record);
            }
            assertClosedBy(raw);
            assertLoggedFor(":" + raw.localPort());
        }
        assertNoEventLoopBusy("amqps");
        for (int i = 0; i < freshConnections(); i++) {
            AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen().close();
        }
    }

    @Test
    void overWebSockets() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(hub.httpsPort(), hub.tls().clientContext(), CLOSED_WITHIN)) {
            for (byte[] frame : reproductionAsThePlainPortReadsIt()) {
                ws.send(frame);
            }
            long started = System.nanoTime();
            assertTrue(ws.awaitServerClose(CLOSED_WITHIN), "the server did not close the WebSocket within " + CLOSED_WITHIN);
            assertTrue(System.nanoTime() - started < CLOSED_WITHIN.toNanos());
        }
        // The broker's peer is the HTTPS front's relay socket, so the line names that.
        assertLoggedFor("");
        assertNoEventLoopBusy("websocket");
        for (int i = 0; i < freshConnections(); i++) {
            try (RawWebSocket ws = RawWebSocket.connect(hub.httpsPort(), hub.tls().clientContext(), CLOSED_WITHIN)) {
                ws.send(RawAmqp.SASL_HEADER);
                assertTrue(ws.awaitBytes(8, AmqpTestClient.TIMEOUT), "fresh WebSocket connection #" + i + " not served");
                assertArrayEquals(RawAmqp.SASL_HEADER, Arrays.copyOf(ws.received(), 8));
            }
        }
    }

    private static void assertClosedBy(RawAmqp raw) throws IOException {
        long started = System.nanoTime();
        raw.readUntil(f -> false, CLOSED_WITHIN);
        assertTrue(raw.serverClosedSocket(), "the server did not close the socket within " + CLOSED_WITHIN + "; frames " + raw.frames());
        assertTrue(System.nanoTime() - started < CLOSED_WITHIN.toNanos());
    }

    private static void assertLoggedFor(String peer) {
        dev.hubsim.testing.Waits.until("the log line for the unreadable SASL input", () -> LOG.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("unreadable input") && e.getFormattedMessage().contains(peer)
                        && e.getFormattedMessage().contains("SASL")));
    }

    /** Checks the acceptor's own loops (and the HTTPS front's), so each test fails for its own port only. */
    private static void assertNoEventLoopBusy(String acceptor) {
        List<EventLoopCpu.Busy> busy = EventLoopCpu.busyEventLoops(HangWatch.IDLE_WINDOW, HangWatch.BUSY, Set.of()).stream()
                .filter(b -> b.thread().contains("(activemq-remoting-" + acceptor + "-") || b.thread().startsWith("hubsim-https-front")).toList();
        assertEquals(List.of(), busy, "event loops of the " + acceptor + " acceptor still busy");
    }

    /** Netty hands new channels to the acceptor's loops in turn: this many reach every loop (3 per core in Artemis). */
    private static int freshConnections() {
        return 3 * Runtime.getRuntime().availableProcessors();
    }
}
