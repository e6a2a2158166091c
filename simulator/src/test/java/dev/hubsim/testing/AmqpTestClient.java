package dev.hubsim.testing;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.impl.ProtocolTracer;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.framing.TransportFrame;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A small blocking AMQP 1.0 client on the Proton-J engine over a real socket (TLS or plain), for tests. Every engine
 * call happens under this object's lock; a reader thread feeds the transport and wakes waiters. Waits end on the
 * awaited state or fail with an AssertionError after the timeout, naming what was awaited.
 */
public final class AmqpTestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How the client authenticates at the SASL layer, if at all. */
    public record SaslMode(String mechanism, String user, String password) {
        public static SaslMode anonymous() {
            return new SaslMode("ANONYMOUS", null, null);
        }

        public static SaslMode mssbcbs() {
            return new SaslMode("MSSBCBS", null, null);
        }

        public static SaslMode plain(String user, String password) {
            return new SaslMode("PLAIN", user, password);
        }

        /** No SASL layer: the plain AMQP protocol header (X.509 and some SDKs). */
        public static SaslMode none() {
            return null;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final Connection connection;
    private final Transport transport;
    private final Sasl sasl;
    private final List<FrameBody> receivedFrames = new ArrayList<>();
    private final AtomicLong tags = new AtomicLong();
    private final Thread reader;
    private final Thread heartbeats;
    private volatile IOException readFailure;
    private boolean socketClosed;

    private AmqpTestClient(Socket socket, String hostname, SaslMode saslMode, int maxFrameSize) throws IOException {
        this(socket, hostname, saslMode, maxFrameSize, "hubsim-test-" + System.nanoTime());
    }

    private AmqpTestClient(Socket socket, String hostname, SaslMode saslMode, int maxFrameSize, String containerId) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.connection = Proton.connection();
        this.transport = Proton.transport();
        if (maxFrameSize > 0) {
            transport.setMaxFrameSize(maxFrameSize);
        }
        ((TransportImpl) transport).setProtocolTracer(new ProtocolTracer() {
            @Override
            public void receivedFrame(TransportFrame frame) {
                receivedFrames.add(frame.getBody());
            }

            @Override
            public void sentFrame(TransportFrame frame) {
            }
        });
        if (saslMode != null) {
            sasl = transport.sasl();
            sasl.client();
            sasl.setMechanisms(saslMode.mechanism());
            if ("PLAIN".equals(saslMode.mechanism())) {
                sasl.plain(saslMode.user(), saslMode.password());
            }
        } else {
            sasl = null;
        }
        Collector collector = Proton.collector();
        connection.collect(collector);
        transport.bind(connection);
        connection.setHostname(hostname);
        connection.setContainer(containerId);
        synchronized (this) {
            connection.open();
            pump();
        }
        InputStream in = socket.getInputStream();
        reader = new Thread(() -> readLoop(in), "amqp-test-client-reader");
        reader.setDaemon(true);
        reader.start();
        heartbeats = new Thread(this::heartbeatLoop, "amqp-test-client-heartbeats");
        heartbeats.setDaemon(true);
        heartbeats.start();
    }

    public static AmqpTestClient tls(int port, SSLContext trust, SaslMode sasl) throws IOException {
        return tls(port, trust, sasl, 0);
    }

    public static AmqpTestClient tls(int port, SSLContext trust, SaslMode sasl, int maxFrameSize) throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket();
        socket.setTcpNoDelay(true); // small frames must not wait for Nagle and delayed ACKs
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        socket.startHandshake();
        return new AmqpTestClient(socket, "127.0.0.1", sasl, maxFrameSize);
    }

    /** With a container-id of the caller's choice: clients without a SASL identity are counted by it. */
    public static AmqpTestClient tls(int port, SSLContext trust, SaslMode sasl, String containerId) throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        socket.startHandshake();
        return new AmqpTestClient(socket, "127.0.0.1", sasl, 0, containerId);
    }

    public static AmqpTestClient plain(int port, SaslMode sasl) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        return new AmqpTestClient(socket, "127.0.0.1", sasl, 0);
    }

    /**
     * A well-behaved client keeps the connection alive on its own: Proton-J sends the empty frames the hub's Open asks
     * for (half its idle timeout) only from {@code tick}, so the engine is ticked here, whatever the test thread does.
     */
    private void heartbeatLoop() {
        while (true) {
            synchronized (this) {
                if (socketClosed) {
                    return;
                }
                try {
                    transport.tick(System.currentTimeMillis());
                    pump();
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
        byte[] buffer = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    int offset = 0;
                    while (offset < n) {
                        ByteBuffer input = transport.getInputBuffer();
                        int chunk = Math.min(input.remaining(), n - offset);
                        input.put(buffer, offset, chunk);
                        transport.processInput().checkIsOk();
                        offset += chunk;
                    }
                    pump();
                    notifyAll();
                }
            }
            synchronized (this) {
                transport.close_tail();
                socketClosed = true;
                notifyAll();
            }
        } catch (IOException e) {
            synchronized (this) {
                readFailure = e;
                socketClosed = true;
                notifyAll();
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                readFailure = new IOException(e);
                socketClosed = true;
                notifyAll();
            }
        }
    }

    /** Writes whatever the engine has to send. Caller holds the lock. */
    private void pump() {
        try {
            while (transport.pending() > 0) {
                ByteBuffer output = transport.head();
                byte[] bytes = new byte[output.remaining()];
                output.get(bytes);
                out.write(bytes);
                transport.pop(bytes.length);
            }
            out.flush();
        } catch (IOException e) {
            readFailure = e;
        }
    }

    /** Waits (releasing the lock) until the condition holds; AssertionError on timeout. */
    public synchronized void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what
                        + (readFailure != null ? " (socket: " + readFailure + ")" : "") + "; frames received: " + receivedFrames);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Waits (releasing the lock) until the condition holds or the deadline ({@link System#nanoTime}) passes; false then. */
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

    /** Waits for a condition outside any client (e.g. in the simulator), checking it every 10 ms up to the timeout. */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Waits for the server's Open; fails if SASL failed or the server closed instead. */
    public synchronized AmqpTestClient awaitOpen() {
        await("the server's Open", () -> connection.getRemoteState() != EndpointState.UNINITIALIZED || socketClosed
                || sasl != null && sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_NONE && sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_OK);
        if (connection.getRemoteState() == EndpointState.UNINITIALIZED) {
            throw new AssertionError("no Open from the server; SASL outcome " + saslOutcome());
        }
        return this;
    }

    /** Waits until SASL has an outcome other than none; returns it. */
    public synchronized Sasl.SaslOutcome awaitSaslOutcome() {
        await("a SASL outcome", () -> sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_NONE || socketClosed);
        return sasl.getOutcome();
    }

    public synchronized Sasl.SaslOutcome saslOutcome() {
        return sasl == null ? null : sasl.getOutcome();
    }

    public synchronized Session session() {
        Session session = connection.session();
        session.open();
        pump();
        await("the server's Begin", () -> session.getRemoteState() != EndpointState.UNINITIALIZED);
        return session;
    }

    /** Attaches a sender to {@code target} and waits for the server's Attach (which may be a refusal). */
    public synchronized Sender sender(Session session, String name, String target) {
        Sender sender = session.sender(name);
        Target t = new Target();
        t.setAddress(target);
        sender.setTarget(t);
        sender.setSource(new Source());
        sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.open();
        pump();
        awaitAttachAnswer(sender);
        return sender;
    }

    /** Attaches a receiver on {@code source}, grants {@code credit}, waits for the server's Attach. */
    public synchronized Receiver receiver(Session session, String name, String source, int credit) {
        Receiver receiver = session.receiver(name);
        Source s = new Source();
        s.setAddress(source);
        receiver.setSource(s);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(SenderSettleMode.MIXED);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.open();
        if (credit > 0) {
            receiver.flow(credit);
        }
        pump();
        awaitAttachAnswer(receiver);
        return receiver;
    }

    /**
     * Attaches a receiver with a full source (filters), link properties and desired capabilities, grants
     * {@code credit}, waits for the server's Attach.
     */
    public synchronized Receiver receiver(Session session, String name, Source source, java.util.Map<org.apache.qpid.proton.amqp.Symbol, Object> properties,
                                          org.apache.qpid.proton.amqp.Symbol[] desiredCapabilities, int credit) {
        Receiver receiver = session.receiver(name);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        receiver.setReceiverSettleMode(ReceiverSettleMode.SECOND);
        if (properties != null) {
            receiver.setProperties(properties);
        }
        if (desiredCapabilities != null) {
            receiver.setDesiredCapabilities(desiredCapabilities);
        }
        receiver.open();
        if (credit > 0) {
            receiver.flow(credit);
        }
        pump();
        awaitAttachAnswer(receiver);
        return receiver;
    }

    /** Closes a link from the client side and waits for the server's answer. */
    public synchronized void closeLink(Link link) {
        link.close();
        pump();
        await("the server to answer the close of '" + link.getName() + "'", () -> link.getRemoteState() == EndpointState.CLOSED);
    }

    /** Grants more credit on a receiver. */
    public synchronized void flow(Receiver receiver, int credit) {
        receiver.flow(credit);
        pump();
    }

    private void awaitAttachAnswer(Link link) {
        await("the server's Attach for link '" + link.getName() + "'", () -> link.getRemoteState() != EndpointState.UNINITIALIZED);
    }

    /** True once the server has attached this link with its own terminus (not the refusal framing) and not closed it. */
    public synchronized boolean isAttached(Link link) {
        boolean terminusSet = link instanceof Sender ? link.getRemoteTarget() != null : link.getRemoteSource() != null;
        return link.getRemoteState() == EndpointState.ACTIVE && terminusSet;
    }

    /** Waits for the server to close the connection; returns its error condition. */
    public synchronized ErrorCondition awaitConnectionClosed() {
        await("the server's Close", () -> connection.getRemoteState() == EndpointState.CLOSED);
        return connection.getRemoteCondition();
    }

    /** Ends a session and waits for the server's End. */
    public synchronized void endSession(Session session) {
        session.close();
        pump();
        awaitClosed(session);
    }

    /** Sends Close and waits for the server's Close, then closes the socket. */
    public void closeGracefully() {
        synchronized (this) {
            connection.close();
            pump();
        }
        awaitConnectionClosed();
        close();
    }

    /** Waits for the server to end the session; returns its error condition. */
    public synchronized ErrorCondition awaitClosed(Session session) {
        await("the server's End", () -> session.getRemoteState() == EndpointState.CLOSED);
        return session.getRemoteCondition();
    }

    /** Begins a session without waiting for the answer. */
    public synchronized Session beginSession() {
        Session session = connection.session();
        session.open();
        pump();
        return session;
    }

    /** Waits until the socket is closed under the client (a reset or a close without AMQP Close). */
    public synchronized void awaitSocketClosed() {
        await("the socket to close", () -> socketClosed);
    }

    /** Starts a transfer (unsettled) without waiting: the engine holds it until there is credit. */
    public synchronized Delivery sendAsync(Sender sender, Message message) {
        byte[] encoded = encode(message);
        Delivery delivery = sender.delivery(Long.toString(tags.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        pump();
        return delivery;
    }

    /** Waits for the server's outcome of a transfer started with {@link #sendAsync}. */
    public synchronized DeliveryState awaitOutcome(Delivery delivery) {
        await("the outcome of a transfer", () -> delivery.getRemoteState() != null || delivery.getLink().getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = delivery.getRemoteState();
        delivery.settle();
        pump();
        return state;
    }

    /** The credit the server has granted this sender and the client has not used. */
    public synchronized int credit(Sender sender) {
        return sender.getCredit();
    }

    /**
     * Writes a transfer frame straight onto the socket, bypassing the engine's credit check, to break the protocol on
     * purpose. Only for a connection whose first session (channel 0) holds a single link (handle 0) that has sent
     * nothing yet: delivery-id 0.
     */
    public synchronized void injectTransferWithoutCredit(byte[] payload) throws IOException {
        org.apache.qpid.proton.codec.DecoderImpl decoder = new org.apache.qpid.proton.codec.DecoderImpl();
        org.apache.qpid.proton.codec.EncoderImpl encoder = new org.apache.qpid.proton.codec.EncoderImpl(decoder);
        org.apache.qpid.proton.codec.AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        org.apache.qpid.proton.amqp.transport.Transfer transfer = new org.apache.qpid.proton.amqp.transport.Transfer();
        transfer.setHandle(org.apache.qpid.proton.amqp.UnsignedInteger.ZERO);
        transfer.setDeliveryId(org.apache.qpid.proton.amqp.UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[]{9}));
        transfer.setMessageFormat(org.apache.qpid.proton.amqp.UnsignedInteger.ZERO);
        transfer.setSettled(false);
        ByteBuffer body = ByteBuffer.allocate(256 + payload.length);
        encoder.setByteBuffer(body);
        encoder.writeObject(transfer);
        body.put(payload);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) 0).putShort((short) 0).put(body);
        out.write(frame.array());
        out.flush();
    }

    /** Waits for the server to detach/close the link; returns its error condition. */
    public synchronized ErrorCondition awaitClosed(Link link) {
        await("the server to close link '" + link.getName() + "'", () -> link.getRemoteState() == EndpointState.CLOSED);
        return link.getRemoteCondition();
    }

    /** Sends one message (unsettled) and waits for the server's outcome. */
    public synchronized DeliveryState send(Sender sender, Message message) {
        await("credit on link '" + sender.getName() + "'", () -> sender.getCredit() > 0 || sender.getRemoteState() == EndpointState.CLOSED);
        byte[] encoded = encode(message);
        Delivery delivery = sender.delivery(Long.toString(tags.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        pump();
        await("the outcome of a transfer on '" + sender.getName() + "'", () -> delivery.getRemoteState() != null
                || sender.getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = delivery.getRemoteState();
        delivery.settle();
        pump();
        return state;
    }

    /** Sends bytes as they are, in the given message format (a batch: 0x80013700), and waits for the server's outcome. */
    public synchronized DeliveryState sendEncoded(Sender sender, byte[] encoded, int messageFormat) {
        await("credit on link '" + sender.getName() + "'", () -> sender.getCredit() > 0 || sender.getRemoteState() == EndpointState.CLOSED);
        Delivery delivery = sender.delivery(Long.toString(tags.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
        delivery.setMessageFormat(messageFormat);
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        pump();
        await("the outcome of a transfer on '" + sender.getName() + "'", () -> delivery.getRemoteState() != null
                || sender.getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = delivery.getRemoteState();
        delivery.settle();
        pump();
        return state;
    }

    /** Waits for the next complete message on the receiver, accepts and settles it. */
    public synchronized Message receive(Receiver receiver) {
        Received received = receiveUnsettled(receiver);
        if (received.delivery().remotelySettled()) {
            received.delivery().settle();
            receiver.flow(1);
            pump();
        } else {
            settle(received, org.apache.qpid.proton.amqp.messaging.Accepted.getInstance());
        }
        return received.message();
    }

    /** A delivery taken off a receiver but not yet settled, so a test can choose the outcome. */
    public record Received(Message message, Delivery delivery, byte[] tag) {
    }

    /** Waits for the next complete message and returns it unsettled; settle it with {@link #settle}. */
    public synchronized Received receiveUnsettled(Receiver receiver) {
        Delivery[] holder = new Delivery[1];
        await("a message on '" + receiver.getName() + "'", () -> {
            Delivery d = receiver.current();
            if (d != null && d.isReadable() && !d.isPartial()) {
                holder[0] = d;
                return true;
            }
            return false;
        });
        Delivery delivery = holder[0];
        byte[] bytes = new byte[delivery.available()];
        receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        Message message = Proton.message();
        message.decode(bytes, 0, bytes.length);
        return new Received(message, delivery, delivery.getTag());
    }

    /** Settles a received delivery with this outcome and grants one more credit. */
    public synchronized void settle(Received received, DeliveryState outcome) {
        received.delivery().disposition(outcome);
        received.delivery().settle();
        Receiver receiver = (Receiver) received.delivery().getLink();
        receiver.flow(1);
        pump();
    }

    /**
     * For a receiver attached with {@code rcv-settle-mode=second}: sends the outcome unsettled and waits for the server
     * to settle, which it does once it has acted on the outcome; then settles and grants one more credit. Returns false
     * (nothing settled) when the socket closed first, so the outcome may or may not have taken effect.
     */
    public synchronized boolean settleWhenServerSettles(Received received, DeliveryState outcome) {
        Delivery delivery = received.delivery();
        delivery.disposition(outcome);
        pump();
        await("the server to settle a delivery", () -> delivery.remotelySettled() || socketClosed);
        if (!delivery.remotelySettled()) {
            return false;
        }
        delivery.settle();
        ((Receiver) delivery.getLink()).flow(1);
        pump();
        return true;
    }

    /** Waits for the outcome of a transfer started with {@link #sendAsync}, or for the socket to close (null then). */
    public synchronized DeliveryState awaitOutcomeUnlessClosed(Delivery delivery) {
        await("the outcome of a transfer", () -> delivery.getRemoteState() != null || socketClosed);
        DeliveryState state = delivery.getRemoteState();
        if (state != null) {
            delivery.settle();
            pump();
        }
        return state;
    }

    /**
     * Waits until the server has handled every frame sent so far: it answers a Begin only after the frames before it
     * on this connection.
     */
    public synchronized void roundTrip() {
        Session session = connection.session();
        session.open();
        pump();
        await("the server's Begin (round trip)", () -> session.getRemoteState() != EndpointState.UNINITIALIZED);
        session.close();
        pump();
    }

    /** Closes (detaches) a link and waits for the server's detach. */
    public synchronized void detach(Link link) {
        link.close();
        pump();
        await("the server's detach of '" + link.getName() + "'", () -> link.getRemoteState() == EndpointState.CLOSED);
    }

    /** True if a complete message is waiting on the receiver right now. */
    public synchronized boolean hasMessage(Receiver receiver) {
        Delivery d = receiver.current();
        return d != null && d.isReadable() && !d.isPartial();
    }

    public synchronized List<FrameBody> receivedFrames() {
        return List.copyOf(receivedFrames);
    }

    public synchronized EndpointState remoteConnectionState() {
        return connection.getRemoteState();
    }

    public synchronized boolean socketClosed() {
        return socketClosed;
    }

    public static byte[] encodeForTest(Message message) {
        return encode(message);
    }

    static byte[] encode(Message message) {
        byte[] buffer = new byte[4096];
        while (true) {
            try {
                int size = message.encode(buffer, 0, buffer.length);
                return java.util.Arrays.copyOf(buffer, size);
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }

    public static Binary binary(String s) {
        return new Binary(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!socketClosed && connection.getLocalState() != EndpointState.CLOSED) {
                connection.close();
                pump();
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
