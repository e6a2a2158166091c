package dev.hubsim.probe;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The kit's own blocking AMQP 1.0 client: the Proton-J engine over a real socket (TLS or plain). Every engine call
 * happens under this object's monitor; a reader thread feeds the transport and wakes waiters, so every wait ends on
 * the awaited event or on the timeout, never on a guess. Each connection keeps a {@link FrameLog} of its frames.
 */
public final class ProbeConnection implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("hubsim.specs.timeoutSeconds", 20));

    /** What the remote answered to an attach: a live link, or a refusal with its error. */
    public record LinkOutcome(boolean attached, boolean remoteTerminusNull, ErrorCondition error) {
        public String condition() {
            return error == null || error.getCondition() == null ? null : error.getCondition().toString();
        }

        public String description() {
            return error == null ? null : error.getDescription();
        }
    }

    /** A message that arrived on a receiver, with its delivery (still unsettled until {@link #settle}). */
    public record Received(Delivery delivery, Message message, byte[] deliveryTag) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final Connection connection;
    private final Transport transport;
    private final Sasl sasl;
    private final FrameLog frames = new FrameLog();
    private final Map<Receiver, Deque<Received>> arrivals = new HashMap<>();
    private final AtomicLong tags = new AtomicLong();
    private boolean socketEnded;
    private String ioFailure;

    private ProbeConnection(Socket socket, String hostname, SaslChoice saslChoice, String containerId) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.connection = Proton.connection();
        this.transport = Proton.transport();
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
    }

    /** Connects and sends the headers and Open; call {@link #awaitOpen} or {@link #awaitSaslOutcome} next. */
    public static ProbeConnection connect(Endpoint endpoint, SaslChoice sasl, String containerId) throws IOException {
        Socket socket;
        if (endpoint.tls() != null) {
            SSLSocket tls = (SSLSocket) endpoint.tls().getSocketFactory().createSocket();
            tls.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) TIMEOUT.toMillis());
            tls.startHandshake();
            socket = tls;
        } else {
            socket = new Socket();
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) TIMEOUT.toMillis());
        }
        socket.setTcpNoDelay(true);
        return new ProbeConnection(socket, endpoint.virtualHost(), sasl, containerId);
    }

    public FrameLog frames() {
        return frames;
    }

    // --- connection -------------------------------------------------------------------------------------------

    /** Waits for the SASL outcome (OK, AUTH, ...); the socket closing first counts as no outcome. */
    public synchronized Sasl.SaslOutcome awaitSaslOutcome() {
        await(() -> sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_NONE || socketEnded, "the SASL outcome");
        return sasl.getOutcome();
    }

    /** Waits for the remote Open (or for the connection to end without one). */
    public synchronized EndpointState awaitOpen() {
        await(() -> connection.getRemoteState() != EndpointState.UNINITIALIZED || socketEnded
                || (sasl != null && sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_NONE && sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_OK),
                "the remote Open");
        return connection.getRemoteState();
    }

    /** Waits for the remote Close and returns its error (null when closed without one). */
    public synchronized ErrorCondition awaitConnectionClosed() {
        await(() -> connection.getRemoteState() == EndpointState.CLOSED || socketEnded, "the remote Close");
        return connection.getRemoteCondition();
    }

    public synchronized EndpointState remoteConnectionState() {
        return connection.getRemoteState();
    }

    /** Waits until the socket ends (the remote closed it, with or without a Close first). */
    public synchronized void awaitSocketEnded() {
        await(() -> socketEnded, "the end of the socket");
    }

    /** Whether the remote sent a Close on this connection so far. */
    public synchronized boolean remotelyClosed() {
        return connection.getRemoteState() == EndpointState.CLOSED;
    }

    // --- sessions and links -----------------------------------------------------------------------------------

    public synchronized Session beginSession() {
        Session session = connection.session();
        session.open();
        flush();
        return session;
    }

    /** Sends Begin and waits for the remote Begin (its End may follow: see {@link #awaitSessionEnded}). */
    public synchronized Session awaitSession() {
        Session session = beginSession();
        await(() -> session.getRemoteState() != EndpointState.UNINITIALIZED || socketEnded, "the remote Begin");
        return session;
    }

    public synchronized EndpointState remoteState(Session session) {
        return session.getRemoteState();
    }

    public synchronized ErrorCondition awaitSessionEnded(Session session) {
        await(() -> session.getRemoteState() == EndpointState.CLOSED || socketEnded, "the remote End");
        return session.getRemoteCondition();
    }

    public synchronized Sender sender(Session session, String name, String address) {
        return sender(session, name, address, null);
    }

    /** A sender with attach properties of the caller's (e.g. {@code com.microsoft:api-version}). */
    public synchronized Sender sender(Session session, String name, String address, Map<Symbol, Object> properties) {
        Sender sender = session.sender(name);
        if (properties != null) {
            sender.setProperties(properties);
        }
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSource(new Source());
        sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.open();
        flush();
        return sender;
    }

    public synchronized Receiver receiver(Session session, String name, String address, int credit) {
        Source source = new Source();
        source.setAddress(address);
        return receiver(session, name, source, credit);
    }

    /** A receiver with a source of the caller's making (filters, as the Event Hub-compatible endpoint reads them). */
    public synchronized Receiver receiver(Session session, String name, Source source, int credit) {
        Receiver receiver = session.receiver(name);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        arrivals.put(receiver, new ArrayDeque<>());
        receiver.open();
        if (credit > 0) {
            receiver.flow(credit);
        }
        flush();
        return receiver;
    }

    /**
     * Waits for the remote attach. An attach with a null terminus is the refusal framing, so the closing detach that
     * follows it is awaited too; an attach with its terminus is a live link.
     */
    public synchronized LinkOutcome awaitAttach(Link link) {
        await(() -> link.getRemoteState() != EndpointState.UNINITIALIZED || socketEnded, "the remote Attach of " + link.getName());
        boolean terminusNull = link instanceof Sender ? link.getRemoteTarget() == null : link.getRemoteSource() == null;
        if (link.getRemoteState() == EndpointState.ACTIVE && terminusNull) {
            await(() -> link.getRemoteState() == EndpointState.CLOSED || socketEnded, "the Detach that follows a null-terminus Attach of " + link.getName());
        }
        boolean attached = link.getRemoteState() == EndpointState.ACTIVE;
        return new LinkOutcome(attached, terminusNull, link.getRemoteCondition());
    }

    /** Waits for the remote Detach of a link that was attached and returns its error. */
    public synchronized ErrorCondition awaitDetached(Link link) {
        await(() -> link.getRemoteState() == EndpointState.CLOSED || socketEnded, "the remote Detach of " + link.getName());
        return link.getRemoteCondition();
    }

    public synchronized boolean isRemotelyDetached(Link link) {
        return link.getRemoteState() == EndpointState.CLOSED;
    }

    /** Waits until the remote has granted this sender at least {@code atLeast} credit, and returns the credit. */
    public synchronized int awaitCredit(Sender sender, int atLeast) {
        await(() -> sender.getCredit() >= atLeast || sender.getRemoteState() == EndpointState.CLOSED || socketEnded,
                "credit " + atLeast + " on " + sender.getName());
        return sender.getCredit();
    }

    public synchronized int credit(Sender sender) {
        return sender.getCredit();
    }

    /** The remote's attach {@code max-message-size}, or null. */
    public synchronized Object remoteMaxMessageSize(Link link) {
        return link.getRemoteMaxMessageSize();
    }

    public synchronized void closeLink(Link link) {
        link.close();
        flush();
    }

    // --- transfers --------------------------------------------------------------------------------------------

    /** Sends one unsettled transfer (queued by Proton-J until the remote grants credit). */
    public synchronized Delivery send(Sender sender, Message message) {
        return send(sender, encode(message), 0);
    }

    /** Sends bytes already encoded as one transfer of this message format (0: a message; 0x80013700: a batch). */
    public synchronized Delivery send(Sender sender, byte[] bytes, int messageFormat) {
        byte[] tag = Long.toString(tags.incrementAndGet()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Delivery delivery = sender.delivery(tag);
        delivery.setMessageFormat(messageFormat);
        sender.send(bytes, 0, bytes.length);
        sender.advance();
        flush();
        return delivery;
    }

    /** The remote outcome so far, without waiting. */
    public synchronized DeliveryState outcome(Delivery delivery) {
        return delivery.getRemoteState();
    }

    /** Waits for the remote outcome of a transfer; null when the link or connection ended first. */
    public synchronized DeliveryState awaitOutcome(Delivery delivery) {
        Link link = delivery.getLink();
        await(() -> delivery.getRemoteState() != null || link.getRemoteState() == EndpointState.CLOSED || socketEnded,
                "the outcome of a transfer on " + link.getName());
        return delivery.getRemoteState();
    }

    /** Waits for the next message on a receiver. */
    public synchronized Received awaitMessage(Receiver receiver) {
        return awaitMessage(receiver, TIMEOUT);
    }

    /** Waits this long for the next message on a receiver (a message the hub sends only after a timeout of its own). */
    public synchronized Received awaitMessage(Receiver receiver, Duration timeout) {
        Deque<Received> queue = arrivals.get(receiver);
        await(() -> !queue.isEmpty() || receiver.getRemoteState() == EndpointState.CLOSED || socketEnded,
                "a message on " + receiver.getName(), timeout);
        if (queue.isEmpty()) {
            throw new ProbeTimeout("expected a message on " + receiver.getName() + ", observed the link ending first: " + receiver.getRemoteCondition(), frames);
        }
        return queue.poll();
    }

    public synchronized void flow(Receiver receiver, int credit) {
        receiver.flow(credit);
        flush();
    }

    /** Settles a received delivery with this outcome (Accepted, Released, Rejected, Modified). */
    public synchronized void settle(Received received, DeliveryState outcome) {
        received.delivery().disposition(outcome);
        received.delivery().settle();
        flush();
    }

    // --- engine plumbing --------------------------------------------------------------------------------------

    public static byte[] encode(Message message) {
        byte[] buffer = new byte[4096];
        while (true) {
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return java.util.Arrays.copyOf(buffer, length);
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 4];
            }
        }
    }

    private void await(BooleanSupplier condition, String what) {
        await(condition, what, TIMEOUT);
    }

    private void await(BooleanSupplier condition, String what, Duration timeout) {
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

    private void flush() {
        try {
            while (true) {
                int pending = transport.pending();
                if (pending <= 0) {
                    break;
                }
                ByteBuffer head = transport.head();
                byte[] bytes = new byte[pending];
                head.get(bytes);
                out.write(bytes);
                transport.pop(pending);
            }
            out.flush();
        } catch (IOException | TransportException e) {
            ioFailure = String.valueOf(e.getMessage());
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
        for (Map.Entry<Receiver, Deque<Received>> entry : arrivals.entrySet()) {
            Receiver receiver = entry.getKey();
            Delivery delivery;
            while ((delivery = receiver.current()) != null && delivery.isReadable() && !delivery.isPartial()) {
                int size = delivery.pending();
                byte[] bytes = new byte[size];
                int read = receiver.recv(bytes, 0, size);
                Message message = Proton.message();
                message.decode(bytes, 0, read);
                receiver.advance();
                entry.getValue().add(new Received(delivery, message, delivery.getTag()));
            }
        }
    }

    /** Closes the connection: sends Close, waits briefly for the remote Close, then closes the socket. */
    @Override
    public void close() {
        synchronized (this) {
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

    public static Binary binary(byte[] bytes) {
        return new Binary(bytes);
    }
}
