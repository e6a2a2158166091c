package dev.hubsim.testing;

import dev.hubsim.probe.Endpoint;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.SaslChoice;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The simulator tests' way of driving the hub over AMQP: the kit's probe ({@link ProbeConnection}, module probe) with
 * the waits these tests want by default (an attach waits for the hub's answer, a send for its outcome, a receive
 * accepts and grants the credit back) and heartbeats on, as a well-behaved long-lived client. The socket, the Proton-J
 * engine and its threads are the probe's: one AMQP test-client stack for the kit and the simulator's tests.
 */
public final class AmqpTestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** @deprecated the probe's {@link SaslChoice}; the old name, so tests written against it still compile. */
    @Deprecated
    public static final class SaslMode {
        private SaslMode() {
        }

        public static SaslChoice anonymous() {
            return SaslChoice.anonymous();
        }

        public static SaslChoice mssbcbs() {
            return SaslChoice.mssbcbs();
        }

        public static SaslChoice plain(String user, String password) {
            return SaslChoice.plain(user, password);
        }

        public static SaslChoice none() {
            return SaslChoice.none();
        }
    }

    /** A delivery taken off a receiver but not yet settled, so a test can choose the outcome. */
    public record Received(Message message, Delivery delivery, byte[] tag) {
    }

    private final ProbeConnection probe;

    private AmqpTestClient(ProbeConnection probe) {
        this.probe = probe;
    }

    private static AmqpTestClient connect(int port, SSLContext tls, SaslChoice sasl, int maxFrameSize, String containerId) throws IOException {
        return new AmqpTestClient(ProbeConnection.connect(new Endpoint("127.0.0.1", port, tls, "127.0.0.1"), sasl, containerId,
                new ProbeConnection.Options(maxFrameSize, true)));
    }

    public static AmqpTestClient tls(int port, SSLContext trust, SaslChoice sasl) throws IOException {
        return tls(port, trust, sasl, 0);
    }

    public static AmqpTestClient tls(int port, SSLContext trust, SaslChoice sasl, int maxFrameSize) throws IOException {
        return connect(port, trust, sasl, maxFrameSize, "hubsim-test-" + System.nanoTime());
    }

    /** With a container-id of the caller's choice: clients without a SASL identity are counted by it. */
    public static AmqpTestClient tls(int port, SSLContext trust, SaslChoice sasl, String containerId) throws IOException {
        return connect(port, trust, sasl, 0, containerId);
    }

    public static AmqpTestClient plain(int port, SaslChoice sasl) throws IOException {
        return connect(port, null, sasl, 0, "hubsim-test-" + System.nanoTime());
    }

    /** The probe connection underneath, for the kit's helpers (CbsProbe, EventHubProbe). */
    public ProbeConnection probe() {
        return probe;
    }

    /** Waits until the condition holds (it may read engine state); AssertionError on timeout. */
    public void await(String what, BooleanSupplier condition) {
        probe.awaitCondition(what, TIMEOUT, condition);
    }

    /** Waits until the condition holds or the deadline ({@link System#nanoTime}) passes; false then. */
    public boolean awaitUntil(long deadlineNanos, BooleanSupplier condition) {
        return probe.awaitUntil(deadlineNanos, condition);
    }

    /** Waits for a condition outside any client (e.g. in the simulator): {@link Waits#until(String, Duration, BooleanSupplier)}. */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        Waits.until(what, timeout, condition);
    }

    /** Waits for the server's Open; fails if SASL failed or the server closed instead. */
    public AmqpTestClient awaitOpen() {
        if (probe.awaitOpen() == EndpointState.UNINITIALIZED) {
            throw new AssertionError("no Open from the server; SASL outcome " + saslOutcome());
        }
        return this;
    }

    /** Waits until SASL has an outcome other than none; returns it. */
    public Sasl.SaslOutcome awaitSaslOutcome() {
        return probe.awaitSaslOutcome();
    }

    public Sasl.SaslOutcome saslOutcome() {
        return probe.saslOutcome();
    }

    /** Begins a session and waits for the server's Begin. */
    public Session session() {
        return probe.awaitSession();
    }

    /** Attaches a sender to {@code target} and waits for the server's Attach (which may be a refusal). */
    public Sender sender(Session session, String name, String target) {
        Sender sender = probe.sender(session, name, target);
        awaitAttachAnswer(sender);
        return sender;
    }

    /** Attaches a sender to {@code target} with link properties and waits for the server's Attach. */
    public Sender sender(Session session, String name, String target, Map<Symbol, Object> properties) {
        Sender sender = probe.sender(session, name, target, properties);
        awaitAttachAnswer(sender);
        return sender;
    }

    /** Attaches a receiver on {@code source}, grants {@code credit}, waits for the server's Attach. */
    public Receiver receiver(Session session, String name, String source, int credit) {
        Source s = new Source();
        s.setAddress(source);
        Receiver receiver = probe.receiver(session, name, s, credit, r -> r.setSenderSettleMode(SenderSettleMode.MIXED));
        awaitAttachAnswer(receiver);
        return receiver;
    }

    /**
     * Attaches a receiver with a full source (filters), link properties and desired capabilities, grants
     * {@code credit}, waits for the server's Attach.
     */
    public Receiver receiver(Session session, String name, Source source, Map<Symbol, Object> properties, Symbol[] desiredCapabilities, int credit) {
        Receiver receiver = probe.receiver(session, name, source, credit, r -> {
            r.setReceiverSettleMode(ReceiverSettleMode.SECOND);
            if (properties != null) {
                r.setProperties(properties);
            }
            if (desiredCapabilities != null) {
                r.setDesiredCapabilities(desiredCapabilities);
            }
        });
        awaitAttachAnswer(receiver);
        return receiver;
    }

    private void awaitAttachAnswer(Link link) {
        await("the server's Attach for link '" + link.getName() + "'", () -> link.getRemoteState() != EndpointState.UNINITIALIZED);
    }

    /** Closes a link from the client side and waits for the server's answer. */
    public void closeLink(Link link) {
        detach(link);
    }

    /** Closes (detaches) a link and waits for the server's detach. */
    public void detach(Link link) {
        probe.closeLink(link);
        await("the server's detach of '" + link.getName() + "'", () -> link.getRemoteState() == EndpointState.CLOSED);
    }

    /** Grants more credit on a receiver. */
    public void flow(Receiver receiver, int credit) {
        probe.flow(receiver, credit);
    }

    /** True once the server has attached this link with its own terminus (not the refusal framing) and not closed it. */
    public boolean isAttached(Link link) {
        return probe.isAttached(link);
    }

    /** Waits for the server to close the connection; returns its error condition. */
    public ErrorCondition awaitConnectionClosed() {
        await("the server's Close", () -> probe.remoteConnectionState() == EndpointState.CLOSED);
        return probe.awaitConnectionClosed();
    }

    /** Ends a session and waits for the server's End. */
    public void endSession(Session session) {
        probe.endSession(session);
        awaitClosed(session);
    }

    /** Sends Close and waits for the server's Close, then closes the socket. */
    public void closeGracefully() {
        probe.sendClose();
        awaitConnectionClosed();
        close();
    }

    /** Waits for the server to end the session; returns its error condition. */
    public ErrorCondition awaitClosed(Session session) {
        await("the server's End", () -> session.getRemoteState() == EndpointState.CLOSED);
        return probe.awaitSessionEnded(session);
    }

    /** Waits for the server to detach/close the link; returns its error condition. */
    public ErrorCondition awaitClosed(Link link) {
        await("the server to close link '" + link.getName() + "'", () -> link.getRemoteState() == EndpointState.CLOSED);
        return probe.awaitDetached(link);
    }

    /** Begins a session without waiting for the answer. */
    public Session beginSession() {
        return probe.beginSession();
    }

    /** Waits until the socket is closed under the client (a reset or a close without AMQP Close). */
    public void awaitSocketClosed() {
        probe.awaitSocketEnded();
    }

    /** Starts a transfer (unsettled) without waiting: the engine holds it until there is credit. */
    public Delivery sendAsync(Sender sender, Message message) {
        return probe.send(sender, message);
    }

    /** Waits for the server's outcome of a transfer started with {@link #sendAsync}, and settles it. */
    public DeliveryState awaitOutcome(Delivery delivery) {
        await("the outcome of a transfer", () -> delivery.getRemoteState() != null || delivery.getLink().getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = probe.outcome(delivery);
        probe.settle(delivery);
        return state;
    }

    /** Waits for the outcome of a transfer started with {@link #sendAsync}, or for the socket to close (null then). */
    public DeliveryState awaitOutcomeUnlessClosed(Delivery delivery) {
        await("the outcome of a transfer", () -> delivery.getRemoteState() != null || probe.socketEnded());
        DeliveryState state = probe.outcome(delivery);
        if (state != null) {
            probe.settle(delivery);
        }
        return state;
    }

    /** Sends one message (unsettled) once there is credit and waits for the server's outcome. */
    public DeliveryState send(Sender sender, Message message) {
        await("credit on link '" + sender.getName() + "'", () -> sender.getCredit() > 0 || sender.getRemoteState() == EndpointState.CLOSED);
        Delivery delivery = probe.send(sender, message);
        await("the outcome of a transfer on '" + sender.getName() + "'", () -> delivery.getRemoteState() != null
                || sender.getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = probe.outcome(delivery);
        probe.settle(delivery);
        return state;
    }

    /** Sends bytes as they are, in the given message format (a batch: 0x80013700), and waits for the server's outcome. */
    public DeliveryState sendEncoded(Sender sender, byte[] encoded, int messageFormat) {
        await("credit on link '" + sender.getName() + "'", () -> sender.getCredit() > 0 || sender.getRemoteState() == EndpointState.CLOSED);
        Delivery delivery = probe.send(sender, encoded, messageFormat);
        await("the outcome of a transfer on '" + sender.getName() + "'", () -> delivery.getRemoteState() != null
                || sender.getRemoteState() == EndpointState.CLOSED);
        DeliveryState state = probe.outcome(delivery);
        probe.settle(delivery);
        return state;
    }

    /** The credit the server has granted this sender and the client has not used. */
    public int credit(Sender sender) {
        return probe.credit(sender);
    }

    /**
     * Writes a transfer frame straight onto the socket, bypassing the engine's credit check, to break the protocol on
     * purpose. Only for a connection whose first session (channel 0) holds a single link (handle 0) that has sent
     * nothing yet: delivery-id 0.
     */
    public void injectTransferWithoutCredit(byte[] payload) throws IOException {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.ZERO);
        transfer.setDeliveryId(UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[]{9}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        transfer.setSettled(false);
        ByteBuffer body = ByteBuffer.allocate(256 + payload.length);
        encoder.setByteBuffer(body);
        encoder.writeObject(transfer);
        body.put(payload);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) 0).putShort((short) 0).put(body);
        probe.writeRaw(frame.array());
    }

    /** Waits for the next complete message on the receiver, accepts and settles it, and grants one more credit. */
    public Message receive(Receiver receiver) {
        Received received = receiveUnsettled(receiver);
        if (received.delivery().remotelySettled()) {
            probe.settle(received.delivery());
            probe.flow(receiver, 1);
        } else {
            settle(received, Accepted.getInstance());
        }
        return received.message();
    }

    /** Waits for the next complete message and returns it unsettled; settle it with {@link #settle}. */
    public Received receiveUnsettled(Receiver receiver) {
        await("a message on '" + receiver.getName() + "'", () -> probe.hasMessage(receiver));
        ProbeConnection.Received r = probe.awaitMessage(receiver);
        return new Received(r.message(), r.delivery(), r.deliveryTag());
    }

    /** Settles a received delivery with this outcome and grants one more credit. */
    public void settle(Received received, DeliveryState outcome) {
        ProbeConnection.Received r = new ProbeConnection.Received(received.delivery(), received.message(), received.tag());
        probe.settle(r, outcome);
        probe.flow((Receiver) received.delivery().getLink(), 1);
    }

    /**
     * For a receiver attached with {@code rcv-settle-mode=second}: sends the outcome unsettled and waits for the server
     * to settle, which it does once it has acted on the outcome; then settles and grants one more credit. Returns false
     * (nothing settled) when the socket closed first, so the outcome may or may not have taken effect.
     */
    public boolean settleWhenServerSettles(Received received, DeliveryState outcome) {
        Delivery delivery = received.delivery();
        probe.disposition(delivery, outcome);
        await("the server to settle a delivery", () -> delivery.remotelySettled() || probe.socketEnded());
        if (!delivery.remotelySettled()) { // seen under the probe's monitor above; it never turns back
            return false;
        }
        probe.settle(delivery);
        probe.flow((Receiver) delivery.getLink(), 1);
        return true;
    }

    /**
     * Waits until the server has handled every frame sent so far: it answers a Begin only after the frames before it
     * on this connection.
     */
    public void roundTrip() {
        Session session = beginSession();
        await("the server's Begin (round trip)", () -> session.getRemoteState() != EndpointState.UNINITIALIZED);
        probe.endSession(session);
    }

    /** True if a complete message is waiting on the receiver right now. */
    public boolean hasMessage(Receiver receiver) {
        return probe.hasMessage(receiver);
    }

    public List<FrameBody> receivedFrames() {
        return probe.frames().receivedBodies().stream().filter(FrameBody.class::isInstance).map(FrameBody.class::cast).toList();
    }

    public EndpointState remoteConnectionState() {
        return probe.remoteConnectionState();
    }

    public boolean socketClosed() {
        return probe.socketEnded();
    }

    public static byte[] encodeForTest(Message message) {
        return ProbeConnection.encode(message);
    }

    public static Binary binary(String s) {
        return new Binary(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends Close (unless closed already) and closes the socket, without waiting for the server's Close. */
    @Override
    public void close() {
        probe.closeNow();
    }
}
