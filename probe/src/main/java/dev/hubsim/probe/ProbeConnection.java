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
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A blocking AMQP 1.0 client: the Proton-J engine over a real socket (TLS or plain), the one test client of this
 * project (the kit judges with it, the simulator's tests drive the hub with it). Every engine call happens under this
 * object's monitor; a reader thread ({@link ProbeEngine}) feeds the transport and wakes waiters, so every wait ends on
 * the awaited event or on the timeout, never on a guess. Each connection keeps a {@link FrameLog} of its frames.
 */
public final class ProbeConnection extends ProbeEngine {
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

    /**
     * A message that arrived on a receiver, with its delivery (still unsettled until {@link #settle}) and when the
     * reader took it off the socket ({@link System#nanoTime}): a scenario that looks later still times the hub, not itself.
     */
    public record Received(Delivery delivery, Message message, byte[] deliveryTag, long arrivedAtNanos) {
        /** Arrived now. */
        public Received(Delivery delivery, Message message, byte[] deliveryTag) {
            this(delivery, message, deliveryTag, System.nanoTime());
        }
    }

    /**
     * How the connection behaves beyond the defaults: the max frame size its Open advertises (0: Proton-J's), and
     * whether it sends the empty frames the remote's Open asks for (a well-behaved long-lived client; the kit's
     * scenarios leave it off so an idle connection stays idle).
     */
    public record Options(int maxFrameSize, boolean heartbeats) {
        public static final Options DEFAULT = new Options(0, false);
    }

    private final AtomicLong tags = new AtomicLong();

    private ProbeConnection(Socket socket, String hostname, SaslChoice saslChoice, String containerId, Options options) throws IOException {
        super(socket, hostname, saslChoice, containerId, options);
    }

    /** Connects and sends the headers and Open; call {@link #awaitOpen} or {@link #awaitSaslOutcome} next. */
    public static ProbeConnection connect(Endpoint endpoint, SaslChoice sasl, String containerId) throws IOException {
        return connect(endpoint, sasl, containerId, Options.DEFAULT);
    }

    /** The same with options (max frame size, heartbeats). */
    public static ProbeConnection connect(Endpoint endpoint, SaslChoice sasl, String containerId, Options options) throws IOException {
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
        return new ProbeConnection(socket, endpoint.virtualHost(), sasl, containerId, options);
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

    /** The SASL outcome so far (null without a SASL layer), without waiting. */
    public synchronized Sasl.SaslOutcome saslOutcome() {
        return sasl == null ? null : sasl.getOutcome();
    }

    /** Whether the socket has ended under this client. */
    public synchronized boolean socketEnded() {
        return socketEnded;
    }

    /** Sends Close without waiting for the answer. */
    public synchronized void sendClose() {
        connection.close();
        flush();
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

    /** Sends End without waiting for the answer. */
    public synchronized void endSession(Session session) {
        session.close();
        flush();
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
        return sender(session, name, address, properties, SenderSettleMode.UNSETTLED, new Source());
    }

    /**
     * A sender with the settle mode and source of the caller's: {@link SenderSettleMode#SETTLED} sends every transfer
     * pre-settled, as the Node, C and .NET SDKs' twin senders do.
     */
    public synchronized Sender sender(Session session, String name, String address, Map<Symbol, Object> properties, SenderSettleMode mode,
                                      Source source) {
        Sender sender = session.sender(name);
        if (properties != null) {
            sender.setProperties(properties);
        }
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSource(source);
        sender.setSenderSettleMode(mode);
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
        return receiver(session, name, source, credit, r -> { });
    }

    /**
     * The same, with the link set further before its Attach goes out (settle modes, properties such as an epoch,
     * desired capabilities).
     */
    public synchronized Receiver receiver(Session session, String name, Source source, int credit, Consumer<Receiver> configure) {
        Receiver receiver = session.receiver(name);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        configure.accept(receiver);
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

    /** Whether the remote attached this link with its own terminus (not the refusal framing) and has not detached it. */
    public synchronized boolean isAttached(Link link) {
        boolean terminusSet = link instanceof Sender ? link.getRemoteTarget() != null : link.getRemoteSource() != null;
        return link.getRemoteState() == EndpointState.ACTIVE && terminusSet;
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

    /** Sends one transfer (queued by Proton-J until the remote grants credit), pre-settled on a sender whose mode is settled. */
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
        if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            delivery.settle();
        }
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

    /** Whether a message is waiting on a receiver now. */
    public synchronized boolean hasMessage(Receiver receiver) {
        return !arrivals.get(receiver).isEmpty();
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

    /** Sends an outcome for a received delivery without settling it (a receiver with rcv-settle-mode second). */
    public synchronized void disposition(Delivery delivery, DeliveryState outcome) {
        delivery.disposition(outcome);
        flush();
    }

    /** Settles a delivery on this side (after its outcome arrived, or to let go of it). */
    public synchronized void settle(Delivery delivery) {
        delivery.settle();
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

    public static Binary binary(byte[] bytes) {
        return new Binary(bytes);
    }
}
