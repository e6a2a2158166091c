package dev.hubsim.fuzz;

import dev.hubsim.HubSimulator;
import dev.hubsim.testing.RawAmqp;
import dev.hubsim.testing.RawWebSocket;
import org.apache.qpid.proton.amqp.security.SaslOutcome;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One hostile connection kept as the bytes it writes (one entry per write), so that it can be replayed on a fresh
 * broker when a batch of cases leaves the broker unwell.
 */
record HostileCase(String name, Port port, List<byte[]> writes, boolean endInput) {
    /** The AMQP ports: plain, TLS, and WebSockets through the HTTPS port. */
    enum Port {
        PLAIN, TLS, WEBSOCKET
    }

    /** Between two writes the case pauses this long, reading: the server's bytes come apart from the next ones. */
    private static final Duration BETWEEN_WRITES = Duration.ofMillis(5);

    static HostileCase of(String name, Port port, byte[]... writes) {
        return new HostileCase(name, port, List.of(writes), false);
    }

    /** One client context per hub: its trust store is read once, not for every case (the cases are about what follows). */
    private static final Map<HubSimulator, SSLContext> TRUST = new ConcurrentHashMap<>();

    private static SSLContext trust(HubSimulator hub) {
        return TRUST.computeIfAbsent(hub, h -> h.tls().clientContext());
    }

    /** Connects to the hub's port and writes the case. */
    Wire start(HubSimulator hub) throws IOException {
        Wire wire = switch (port) {
            case PLAIN -> new Wire(this, RawAmqp.plain(hub.amqpPort()), null);
            case TLS -> new Wire(this, RawAmqp.tls(hub.amqpsPort(), trust(hub)), null);
            case WEBSOCKET -> new Wire(this, null, RawWebSocket.connect(hub.httpsPort(), trust(hub), HangWatch.CLOSED_WITHIN));
        };
        try {
            for (int k = 0; k < writes.size(); k++) {
                if (k > 0) {
                    wire.pause();
                }
                wire.write(writes.get(k));
            }
            if (endInput && wire.raw != null) {
                wire.raw.shutdownOutput();
            }
        } catch (IOException e) {
            // The server may close before it has read everything: the write side then fails. That is a close.
        }
        wire.watch();
        return wire;
    }

    /** The name, the port and the bytes (in hex, the first 256 of each write), enough to replay it by hand. */
    String describe() {
        return name + " on the " + port.name().toLowerCase() + " port, writes " + writes.stream()
                .map(w -> HexFormat.of().formatHex(w, 0, Math.min(w.length, 256)) + (w.length > 256 ? "...(" + w.length + " bytes)" : ""))
                .collect(Collectors.joining(" | "));
    }

    /** Reads every started case's socket at once, so each one's close is seen when it happens. */
    private static final ExecutorService WATCHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-case-watcher");
        t.setDaemon(true);
        return t;
    });

    /** A hostile connection in progress, on a raw AMQP socket or a WebSocket. */
    static final class Wire implements AutoCloseable {
        final HostileCase hostile;
        final long startedNanos = System.nanoTime();
        private final RawAmqp raw;
        private final RawWebSocket ws;
        private Future<Boolean> closed;

        private Wire(HostileCase hostile, RawAmqp raw, RawWebSocket ws) {
            this.hostile = hostile;
            this.raw = raw;
            this.ws = ws;
        }

        private void write(byte[] bytes) throws IOException {
            if (raw != null) {
                raw.write(bytes);
            } else {
                ws.send(bytes);
            }
        }

        private void pause() throws IOException {
            if (raw != null) {
                raw.readUntil(f -> false, BETWEEN_WRITES);
            } else {
                ws.awaitServerClose(BETWEEN_WRITES);
            }
        }

        /** From now on a watcher reads until the server closes the socket or {@link HangWatch#CLOSED_WITHIN} has passed. */
        private void watch() {
            closed = WATCHERS.submit(() -> {
                Duration left = Duration.ofNanos(Math.max(1_000_000, startedNanos + HangWatch.CLOSED_WITHIN.toNanos() - System.nanoTime()));
                if (raw != null) {
                    raw.readUntil(f -> false, left);
                    return raw.serverClosedSocket();
                }
                return ws.awaitServerClose(left);
            });
        }

        /** Whether the server closed the socket within {@link HangWatch#CLOSED_WITHIN} of the case's start. */
        boolean closedByServer() throws IOException {
            try {
                return closed.get(HangWatch.CLOSED_WITHIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            } catch (TimeoutException e) {
                return false;
            }
        }

        /** What the server did, for the outcome tables: its SASL outcome if any, and how the socket ended. */
        String outcome() {
            if (ws != null) {
                return "closed";
            }
            SaslOutcome sasl = raw.saslOutcome();
            return (sasl != null ? "sasl " + sasl.getCode() + ", " : "") + (raw.wasReset() ? "reset" : "closed");
        }

        List<Object> frames() {
            return raw != null ? raw.frames() : List.of();
        }

        @Override
        public void close() {
            if (raw != null) {
                raw.close();
            } else {
                ws.close();
            }
        }
    }
}
