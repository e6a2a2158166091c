package dev.hubsim.conformance.world;

import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.LinkOutcome;
import dev.hubsim.probe.ProbeConnection.Received;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Cloud-to-device messages (reference/iothub-amqp.md §7): the service's sends, the device's deliveries and outcomes. */
public final class CloudToDeviceChecks {
    private final HubWorld w;
    final FeedbackChecks feedback;
    private Sender serviceSender;
    Message sentC2d;
    private Message laterC2d;
    Received received;
    private long firstArrivedAtNanos;

    CloudToDeviceChecks(HubWorld world) {
        this.w = world;
        this.feedback = new FeedbackChecks(world, this);
    }

    public FeedbackChecks feedback() {
        return feedback;
    }

    public void receiverOn(String actor, String address) {
        w.actAs(actor);
        Receiver receiver = w.connection().receiver(w.session(), "probe-receiver-" + UUID.randomUUID(), w.expand(address), 100);
        LinkOutcome out = w.connection().awaitAttach(receiver);
        w.verdicts.expect(out.attached(), "attach of a receiver on " + w.expand(address), "attached", HubWorld.describe(out));
        w.receivers.put(actor, receiver);
    }

    /**
     * Empties the device's queue of what earlier scenarios left: a sentinel message goes to the back of the queue, and
     * everything delivered before it is completed (the queue is first in, first out).
     */
    public void drain(String actor) {
        Message sentinel = message(devicebound(actor), 16);
        serviceSends(sentinel);
        // A queue left full by an earlier scenario refuses the sentinel: take one message, then try again.
        for (int i = 0; i < 100 && !(w.outcome instanceof Accepted); i++) {
            Received leftover = w.connection(actor).awaitMessage(w.receivers.get(actor));
            w.connection(actor).settle(leftover, Accepted.getInstance());
            w.connection(actor).flow(w.receivers.get(actor), 1);
            serviceSends(sentinel);
        }
        w.verdicts.expectEqual("outcome of the message that marks the end of the queue", "Accepted", HubWorld.outcomeName(w.outcome));
        w.connection(actor).settle(receiveUntil(actor, sentinel.getMessageId(), ProbeConnection.TIMEOUT), Accepted.getInstance());
        w.sentThisScenario.remove(sentinel.getMessageId());
        settlementsRead(actor);
    }

    /**
     * Waits until the hub has read the actor's settlements: a hub reads a connection's frames in order, so once it
     * answers a Detach sent after them it has them. Without this the service's next sends (another connection) can
     * reach the hub first and find the completed messages still counted in the queue (seen under load: the 50th of
     * 50 refused). The receiver is attached again on the device-bound address.
     */
    private void settlementsRead(String actor) {
        noReceiver(actor);
        receiverOn(actor, devicebound(actor));
    }

    /** Detaches the actor's receiver and waits for the hub's detach: what it held goes back to the queue. */
    public void noReceiver(String actor) {
        Receiver receiver = w.receivers.remove(actor);
        if (receiver != null) {
            w.connection(actor).closeLink(receiver);
            w.connection(actor).awaitDetached(receiver);
        }
    }

    private Sender serviceSender() {
        String previous = w.currentActor();
        w.actAs(HubWorld.SERVICE);
        if (serviceSender == null) {
            Sender s = w.connection().sender(w.session(), "probe-c2d-" + UUID.randomUUID(), "/messages/devicebound");
            LinkOutcome out = w.connection().awaitAttach(s);
            w.verdicts.expect(out.attached(), "attach of the service's /messages/devicebound sender", "attached", HubWorld.describe(out));
            serviceSender = s;
        }
        w.actAs(previous);
        return serviceSender;
    }

    /** The service connected again (a new connection): its old sender went with the old connection. */
    void serviceReconnected() {
        serviceSender = null;
    }

    static Message message(String to, int bodyBytes) {
        Message message = Proton.message();
        message.setMessageId(UUID.randomUUID().toString());
        if (to != null) {
            message.setAddress(to);
        }
        byte[] body = new byte[bodyBytes];
        byte[] marker = ("c2d " + message.getMessageId()).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, body, 0, Math.min(marker.length, body.length));
        message.setBody(new Data(new Binary(body)));
        message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>()));
        return message;
    }

    String devicebound(String actor) {
        return "/devices/" + w.device(actor).deviceId() + "/messages/devicebound";
    }

    void serviceSends(Message message) {
        ProbeConnection service = w.connection(HubWorld.SERVICE);
        sentC2dIds(message);
        w.transferOutcome(service.awaitOutcome(service.send(serviceSender(), message)));
    }

    private void sentC2dIds(Message message) {
        w.sentThisScenario.add(message.getMessageId());
    }

    public void send(String actor) {
        sentC2d = message(devicebound(actor), 64);
        serviceSends(sentC2d);
    }

    public void sendWithAck(String actor, String ack) {
        sentC2d = message(devicebound(actor), 64);
        sentC2d.getApplicationProperties().getValue().put("iothub-ack", ack);
        serviceSends(sentC2d);
    }

    /** A message whose absolute-expiry-time has already passed when the hub gets it (with "iothub-ack" when given). */
    public void sendExpired(String actor, String ack) {
        sentC2d = message(devicebound(actor), 64);
        if (ack != null) {
            sentC2d.getApplicationProperties().getValue().put("iothub-ack", ack);
        }
        properties(sentC2d).setAbsoluteExpiryTime(new Date(w.now().toEpochMilli() - 1000));
        serviceSends(sentC2d);
    }

    /** A message that expires {@code in} from the target's now. */
    public void sendExpiringIn(String actor, Duration in) {
        sentC2d = message(devicebound(actor), 64);
        properties(sentC2d).setAbsoluteExpiryTime(new Date(w.now().plus(in).toEpochMilli()));
        serviceSends(sentC2d);
    }

    private static Properties properties(Message message) {
        if (message.getProperties() == null) {
            message.setProperties(new Properties());
        }
        return message.getProperties();
    }

    /** Every property of the AMQP properties section a service may set, and application properties of three types. */
    public void sendWithEveryProperty(String actor) {
        sentC2d = message(devicebound(actor), 64);
        Properties p = properties(sentC2d);
        p.setUserId(new Binary("hubsim-specs-user".getBytes(StandardCharsets.UTF_8)));
        p.setSubject("a subject");
        p.setReplyTo("/messages/replies");
        p.setCorrelationId("correlation-" + UUID.randomUUID());
        p.setContentType(Symbol.valueOf("application/json"));
        p.setContentEncoding(Symbol.valueOf("utf-8"));
        p.setAbsoluteExpiryTime(new Date(w.now().plus(Duration.ofMinutes(30)).toEpochMilli()));
        p.setCreationTime(new Date(w.now().toEpochMilli() / 1000 * 1000));
        p.setGroupId("group-1");
        p.setGroupSequence(UnsignedInteger.valueOf(7));
        p.setReplyToGroupId("reply-group-1");
        Map<String, Object> app = sentC2d.getApplicationProperties().getValue();
        app.put("color", "red");
        app.put("count", 42);
        app.put("urgent", true);
        serviceSends(sentC2d);
    }

    public void expectSameProperties() {
        String differences = differences(sentC2d, received.message());
        w.verdicts.expect(differences.isEmpty(), "properties on the device", "as the service set them", differences);
    }

    /** Which of the properties and application properties {@code sent} carries arrived otherwise (empty: none). */
    static String differences(Message sentMessage, Message gotMessage) {
        Properties sent = sentMessage.getProperties();
        Properties got = gotMessage.getProperties() == null ? new Properties() : gotMessage.getProperties();
        Map<String, Object[]> fields = new LinkedHashMap<>();
        fields.put("message-id", new Object[]{sent.getMessageId(), got.getMessageId()});
        fields.put("user-id", new Object[]{sent.getUserId(), got.getUserId()});
        fields.put("to", new Object[]{sent.getTo(), got.getTo()});
        fields.put("subject", new Object[]{sent.getSubject(), got.getSubject()});
        fields.put("reply-to", new Object[]{sent.getReplyTo(), got.getReplyTo()});
        fields.put("correlation-id", new Object[]{sent.getCorrelationId(), got.getCorrelationId()});
        fields.put("content-type", new Object[]{sent.getContentType(), got.getContentType()});
        fields.put("content-encoding", new Object[]{sent.getContentEncoding(), got.getContentEncoding()});
        fields.put("absolute-expiry-time", new Object[]{sent.getAbsoluteExpiryTime(), got.getAbsoluteExpiryTime()});
        fields.put("creation-time", new Object[]{sent.getCreationTime(), got.getCreationTime()});
        fields.put("group-id", new Object[]{sent.getGroupId(), got.getGroupId()});
        fields.put("group-sequence", new Object[]{sent.getGroupSequence(), got.getGroupSequence()});
        fields.put("reply-to-group-id", new Object[]{sent.getReplyToGroupId(), got.getReplyToGroupId()});
        Map<String, Object> gotApp = gotMessage.getApplicationProperties() == null ? Map.of() : gotMessage.getApplicationProperties().getValue();
        if (sentMessage.getApplicationProperties() != null) {
            sentMessage.getApplicationProperties().getValue().forEach((k, v) -> fields.put("application property " + k, new Object[]{v, gotApp.get(k)}));
        }
        StringBuilder out = new StringBuilder();
        fields.forEach((name, pair) -> {
            if (pair[0] != null && !Objects.equals(pair[0], pair[1])) {
                out.append(name).append(": sent ").append(Verdicts.typed(pair[0])).append(", got ").append(Verdicts.typed(pair[1])).append("; ");
            }
        });
        return out.toString();
    }

    public void sendAnother(String actor) {
        laterC2d = message(devicebound(actor), 64);
        serviceSends(laterC2d);
    }

    public void sendTo(String address) {
        serviceSends(message(w.expand(address), 64));
    }

    public void sendWithoutTo() {
        serviceSends(message(null, 64));
    }

    public void sendToUnknownDevice() {
        serviceSends(message("/devices/no-such-device-" + UUID.randomUUID() + "/messages/devicebound", 64));
    }

    public void sendWithAckValue(String ack) {
        Message message = message(devicebound("device1"), 64);
        message.getApplicationProperties().getValue().put("iothub-ack", ack);
        serviceSends(message);
    }

    /** A message with a message-id, a "to" and a Data body, whose documented size is exactly {@code bytes}. */
    public void sendOfCountedSize(String actor, int bytes) {
        Message message = message(devicebound(actor), 0);
        message.setApplicationProperties(null);
        MessageSizes.bodyForCountedSize(message, bytes);
        serviceSends(message);
    }

    public void sendMany(int count, String actor) {
        for (int i = 0; i < count; i++) {
            serviceSends(message(devicebound(actor), 16));
            w.verdicts.expectEqual("outcome of cloud-to-device message " + (i + 1), "Accepted", HubWorld.outcomeName(w.outcome));
        }
    }

    public void expectServiceOutcome(String expected) {
        w.verdicts.expectEqual("outcome of the service's transfer", expected, HubWorld.outcomeName(w.outcome));
    }

    // --- the device's side --------------------------------------------------------------------------------------

    /** Receives until the message the service sent arrives; leftovers of earlier scenarios are completed on the way. */
    public void receiveThat(String actor) {
        received = receiveUntil(actor, sentC2d.getMessageId(), ProbeConnection.TIMEOUT);
    }

    Received receiveUntil(String actor, Object messageId, Duration timeout) {
        ProbeConnection device = w.connection(actor);
        Receiver receiver = w.receivers.get(actor);
        while (true) {
            Received r = device.awaitMessage(receiver, timeout);
            device.flow(receiver, 1);
            if (messageId.equals(r.message().getMessageId())) {
                return r;
            }
            if (!w.sentThisScenario.contains(r.message().getMessageId())) {
                device.settle(r, Accepted.getInstance());
                continue;
            }
            return r;
        }
    }

    public void receiveAndHold(String actor) {
        receiveThat(actor);
        firstArrivedAtNanos = received.arrivedAtNanos();
    }

    /**
     * The held message comes again, no sooner than {@code lock} after it first arrived (less the transit time), both
     * timed when the probe's reader took them off the socket, however late the scenario looks at them.
     */
    public void expectRedeliveredAfter(String actor, Duration lock) {
        received = receiveUntil(actor, sentC2d.getMessageId(), lock.plus(ProbeConnection.TIMEOUT));
        Duration after = Duration.ofNanos(received.arrivedAtNanos() - firstArrivedAtNanos);
        w.verdicts.expect(after.compareTo(lock.minusMillis(250)) >= 0, "time until the unsettled delivery came again",
                "at least the lock timeout, " + lock.toMillis() + " ms", after.toMillis() + " ms");
    }

    public void settle(String actor, String outcomeName) {
        DeliveryState state = switch (outcomeName) {
            case "Accepted" -> Accepted.getInstance();
            case "Released" -> Released.getInstance();
            case "Rejected" -> new Rejected();
            case "Modified" -> new Modified();
            default -> throw new IllegalArgumentException(outcomeName);
        };
        w.connection(actor).settle(received, state);
    }

    /** Receives the sent message and releases it, {@code times} times over. */
    public void receiveAndRelease(String actor, int times) {
        for (int i = 0; i < times; i++) {
            receiveThat(actor);
            w.verdicts.expectEqual("message-id of delivery " + (i + 1), sentC2d.getMessageId(), received.message().getMessageId());
            settle(actor, "Released");
        }
    }

    public void expectNextIsLater(String actor) {
        expectNext(actor, laterC2d, "the later one");
    }

    public void expectNextIsFirst(String actor) {
        expectNext(actor, sentC2d, "the first one");
    }

    private void expectNext(String actor, Message expected, String which) {
        Received next = receiveUntil(actor, expected.getMessageId(), ProbeConnection.TIMEOUT);
        w.connection(actor).settle(next, Accepted.getInstance());
        w.verdicts.expectEqual("message-id of the next message " + actor + " receives (" + which + ")", expected.getMessageId(),
                next.message().getMessageId());
    }

    public void expectLockTokenTag() {
        Object lockToken = annotation("x-opt-lock-token");
        byte[] tag = received.deliveryTag();
        String observed = tag.length + " bytes " + (tag.length == 16 ? dotNetGuid(tag) : "");
        w.verdicts.expect(tag.length == 16 && String.valueOf(lockToken).equalsIgnoreCase(dotNetGuid(tag)),
                "delivery tag against x-opt-lock-token", "16 bytes " + lockToken, observed);
    }

    /** A .NET Guid's ToByteArray order: the first three fields little-endian, the last eight bytes as they are. */
    private static String dotNetGuid(byte[] tag) {
        ByteBuffer b = ByteBuffer.wrap(tag).order(ByteOrder.LITTLE_ENDIAN);
        int a = b.getInt();
        short c = b.getShort();
        short d = b.getShort();
        StringBuilder rest = new StringBuilder();
        for (int i = 8; i < 16; i++) {
            rest.append(String.format("%02x", tag[i]));
            if (i == 9) {
                rest.append('-');
            }
        }
        return String.format("%08x-%04x-%04x-", a, c & 0xffff, d & 0xffff) + rest;
    }

    Object annotation(String key) {
        var annotations = received.message().getMessageAnnotations();
        return annotations == null ? null : annotations.getValue().get(Symbol.valueOf(key));
    }

    public void expectAnnotation(String key, Integer value, String type) {
        Object observed = annotation(key);
        boolean valueOk = value == null || String.valueOf(value).equals(String.valueOf(observed));
        w.verdicts.expect(valueOk && Verdicts.amqpType(observed).equals(type), "annotation " + key,
                (value == null ? "" : value + " ") + "(" + type + ")", Verdicts.typed(observed));
    }

    public void expectAnnotationText(String key, String value) {
        Object observed = annotation(key);
        w.verdicts.expect(observed instanceof String && observed.equals(w.expand(value)), "annotation " + key, w.expand(value) + " (string)",
                Verdicts.typed(observed));
    }

    public void expectProperty(String name, String value) {
        Object observed = name.equals("to") ? received.message().getAddress() : null;
        w.verdicts.expectEqual("property " + name, w.expand(value), observed);
    }

    public void expectSameMessageAndBody() {
        w.verdicts.expectEqual("message-id", sentC2d.getMessageId(), received.message().getMessageId());
        w.verdicts.expectEqual("body", ((Data) sentC2d.getBody()).getValue(), ((Data) received.message().getBody()).getValue());
    }

    public void completeWaiting(String actor, int count) throws Exception {
        if (w.connection(actor) == null) {
            w.connectWithClaim(actor, "a valid " + actor + " token");
            receiverOn(actor, devicebound(actor));
        }
        ProbeConnection device = w.connection(actor);
        for (int i = 0; i < count; i++) {
            Received r = device.awaitMessage(w.receivers.get(actor));
            device.settle(r, Accepted.getInstance());
            device.flow(w.receivers.get(actor), 1);
        }
    }

    /** A message of the Event Hub-compatible endpoint read elsewhere becomes the one the annotation checks look at. */
    void look(Received message) {
        received = message;
    }

    public void purge(String actor) {
        w.control().purge(w.device(actor).deviceId());
    }
}
