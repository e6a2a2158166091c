package dev.hubsim.probe;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.message.Message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The engine under a {@link ProbeConnection}: the socket, the Proton-J transport, the reader thread that feeds it and
 * wakes waiters, the optional heartbeat thread, and waiting. Every engine call happens under the connection's monitor.
 */
abstract class ProbeEngine implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    final Connection connection;
    final Transport transport;
    final Sasl sasl;
    final FrameLog frames = new FrameLog();
    final Map<Receiver, Deque<ProbeConnection.Received>> arrivals = new HashMap<>();
    boolean socketEnded;
    private boolean closed;
    private boolean outputFailed;
    private String ioFailure;

    ProbeEngine(Socket socket, String hostname, SaslChoice saslChoice, String containerId, ProbeConnection.Options options) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.connection = Proton.connection();
        this.transport = Proton.transport();
        if (options.maxFrameSize() > 0) {
            transport.setMaxFrameSize(options.maxFrameSize());
        }
        ((TransportImpl) transport).setProtocolTracer(frames);
        if (saslChoice.mechanism() != null) {
            sasl = transport.sasl();
            sasl.client();
            sasl.setMechanisms(saslChoice.mechanism());
            if ("PLAIN".equals(saslChoice.mechanism())) {
                sasl.plain(saslChoice.user(), saslChoice.password());
            }
        } else {
            sasl = null;
        }
        transport.bind(connection);
        connection.setHostname(hostname);
        connection.setContainer(containerId);
        synchronized (this) {
            connection.open();
            flush();
        }
        InputStream in = socket.getInputStream();
        Thread reader = new Thread(() -> readLoop(in), "probe-reader-" + containerId);
        reader.setDaemon(true);
        reader.start();
        if (options.heartbeats()) {
            Thread heartbeats = new Thread(this::heartbeatLoop, "probe-heartbeats-" + containerId);
            heartbeats.setDaemon(true);
            heartbeats.start();
        }
    }

    /** Writes bytes straight onto the socket, past the engine: a frame built by hand to break the protocol on purpose. */
    public synchronized void writeRaw(byte[] bytes) throws IOException {
        flush();
        out.write(bytes);
        out.flush();
    }

    // --- waiting on anything ----------------------------------------------------------------------------------

    /**
     * Waits, holding this connection's monitor between checks (so the condition may read engine state), until the
     * condition holds; a {@link ProbeTimeout} naming {@code what} after the timeout.
     */
    public synchronized void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        await(condition, what, timeout);
    }

    /** Waits until the condition holds or the deadline ({@link System#nanoTime}) passes; false then. */
    public synchronized boolean awaitUntil(long deadlineNanos, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // --- engine plumbing --------------------------------------------------------------------------------------

    void await(BooleanSupplier condition, String what) {
        await(condition, what, ProbeConnection.TIMEOUT);
    }

    void await(BooleanSupplier condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ProbeTimeout("expected " + what + " within " + timeout.toSeconds() + " s, observed none"
                        + (ioFailure == null ? "" : " (socket: " + ioFailure + ")"), frames);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProbeTimeout("interrupted while waiting for " + what, frames);
            }
        }
    }

    void flush() {
        if (outputFailed) {
            return; // the socket refused a write: nothing more can go out, and the reader will see the socket end
        }
        try {
            while (true) {
                int pending = transport.pending();
                if (pending <= 0) {
                    break;
                }
                // Read through a duplicate: a failed write must not leave the head's position moved without a pop, or
                // the next flush reads fewer bytes than pending (the BufferUnderflowException seen after a reset).
                byte[] bytes = new byte[pending];
                transport.head().duplicate().get(bytes);
                out.write(bytes);
                transport.pop(pending);
            }
            out.flush();
        } catch (IOException | TransportException e) {
            outputFailed = true;
            ioFailure = String.valueOf(e.getMessage());
        }
    }

    /** Proton-J sends the empty frames the remote's Open asks for (half its idle timeout) only from {@code tick}. */
    private void heartbeatLoop() {
        while (true) {
            synchronized (this) {
                if (socketEnded || closed) {
                    return;
                }
                try {
                    transport.tick(System.currentTimeMillis());
                    flush();
                } catch (RuntimeException e) {
                    return;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readLoop(InputStream in) {
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                synchronized (this) {
                    int offset = 0;
                    while (offset < n) {
                        int capacity = transport.capacity();
                        if (capacity <= 0) {
                            break;
                        }
                        int length = Math.min(capacity, n - offset);
                        transport.tail().put(buffer, offset, length);
                        transport.process();
                        offset += length;
                    }
                    collectArrivals();
                    flush();
                    notifyAll();
                }
            }
        } catch (IOException | TransportException e) {
            synchronized (this) {
                ioFailure = String.valueOf(e.getMessage());
            }
        } finally {
            synchronized (this) {
                socketEnded = true;
                notifyAll();
            }
        }
    }

    private void collectArrivals() {
        for (Map.Entry<Receiver, Deque<ProbeConnection.Received>> entry : arrivals.entrySet()) {
            Receiver receiver = entry.getKey();
            Delivery delivery;
            while ((delivery = receiver.current()) != null && delivery.isReadable() && !delivery.isPartial()) {
                int size = delivery.pending();
                byte[] bytes = new byte[size];
                int read = receiver.recv(bytes, 0, size);
                Message message = Proton.message();
                message.decode(bytes, 0, read);
                receiver.advance();
                entry.getValue().add(new ProbeConnection.Received(delivery, message, delivery.getTag()));
            }
        }
    }

    /** Sends Close unless closed already and closes the socket at once, without waiting for the remote Close. */
    public void closeNow() {
        synchronized (this) {
            closed = true;
            if (!socketEnded && connection.getLocalState() != EndpointState.CLOSED) {
                connection.close();
                flush();
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by the remote
        }
    }

    /** Closes the connection: sends Close, waits briefly for the remote Close, then closes the socket. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (!socketEnded) {
                connection.close();
                flush();
                try {
                    await(() -> connection.getRemoteState() == EndpointState.CLOSED || socketEnded, "the remote Close");
                } catch (ProbeTimeout ignored) {
                    // closing anyway: the socket goes below
                }
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by the remote
        }
    }
}
