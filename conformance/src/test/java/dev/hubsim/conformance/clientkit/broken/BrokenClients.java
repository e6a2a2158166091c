package dev.hubsim.conformance.clientkit.broken;

import dev.hubsim.client.Amqp;
import dev.hubsim.client.AmqpConnection;
import dev.hubsim.client.AmqpDelivery;
import dev.hubsim.client.AmqpException;
import dev.hubsim.client.AmqpMessage;
import dev.hubsim.client.AmqpObject;
import dev.hubsim.client.AmqpReceiver;
import dev.hubsim.client.AmqpSender;
import dev.hubsim.client.AmqpSession;
import dev.hubsim.client.AmqpTransfer;
import dev.hubsim.client.EventCallback;
import dev.hubsim.client.ImpLimits;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;

import javax.net.ssl.SSLContext;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Deliberately broken clients: each is the reference client with exactly one departure from one statement, a bug a
 * real client plausibly has. The kit must fail each on that statement and no other (BrokenClientsTest), running the
 * scenarios of that statement plus the smoke set.
 */
public final class BrokenClients {
    /**
     * A variant, the statement it departs from, the scenarios that must catch it (a Cucumber tag expression; the
     * self-test adds the smoke set), and how to make its agent.
     */
    public record Variant(String name, String statement, String scenarios, Function<SSLContext, Amqp> factory) {
        Variant(String name, String statement, Function<SSLContext, Amqp> factory) {
            this(name, statement, "@" + statement, factory);
        }
    }

    private BrokenClients() {
    }

    public static List<Variant> all() {
        return List.of(
                new Variant("detail-on-open", "IMP-EVENT-001", DetailOnOpen::new),
                new Variant("session-open-on-connection-open", "IMP-EVENT-002", EarlyOpen::new),
                new Variant("children-left-open", "IMP-EVENT-003", ChildrenLeftOpen::new),
                new Variant("connection-release-keeps-children-open", "IMP-EVENT-003", ConnectionReleaseKeepsChildren::new),
                new Variant("ignores-refusal", "IMP-EVENT-004", IgnoresRefusal::new),
                new Variant("open-before-refusal", "IMP-EVENT-004", OpenBeforeRefusal::new),
                new Variant("connection-open-after-session", "IMP-EVENT-005", WrongEventOrder::new),
                new Variant("open-on-every-flow", "IMP-EVENT-006", OpenOnEveryFlow::new),
                new Variant("callbackless-events-dropped", "IMP-EVENT-007", CallbacklessEventsDropped::new),
                new Variant("events-to-connection-too", "IMP-EVENT-008", EventsToConnectionToo::new),
                new Variant("wrong-connection-limit-string", "IMP-LIMIT-101", WrongLimitString::new),
                new Variant("sessions-counted-per-connection", "IMP-LIMIT-102", SessionsPerConnection::new),
                new Variant("links-counted-per-session", "IMP-LIMIT-103", LinksPerSession::new),
                new Variant("receiver-limit-says-opensender", "IMP-LIMIT-104", ReceiverLimitString::new),
                new Variant("slots-never-freed", "IMP-LIMIT-105", SlotsNeverFreed::new),
                new Variant("rate-error-without-call", "IMP-RATE-001", RateErrorWithoutCall::new),
                new Variant("credit-4-per-second", "IMP-RATE-002", "@IMP-RATE-002 and not @slow", t -> new Bucket(t, 40, 4)),
                new Variant("credit-1-per-second", "IMP-RATE-002", "@IMP-RATE-002 and not @slow", t -> new Bucket(t, 40, 1)),
                new Variant("credit-uncapped", "IMP-RATE-002", "@IMP-RATE-002 and @slow", t -> new Bucket(t, Double.MAX_VALUE, 2)),
                new Variant("one-beyond-credit", "IMP-XFER-001", OneBeyondCredit::new),
                new Variant("queue-drained-newest-first", "IMP-XFER-002", NewestFirst::new),
                new Variant("string-as-data-section", "IMP-MSG-001", StringAsData::new),
                new Variant("binary-as-amqp-value", "IMP-MSG-002", BinaryAsValue::new),
                new Variant("unconverted-property-types", "IMP-MSG-003", UnconvertedProperties::new),
                new Variant("null-property-left-null", "IMP-MSG-003", NullPropertyLeftNull::new),
                new Variant("receiver-accepts-by-itself", "IMP-MSG-004", AcceptsByItself::new),
                new Variant("reject-settles-released", "IMP-MSG-004", RejectSettlesReleased::new),
                new Variant("percent-encoded-paths", "IMP-FLOW-001", PercentEncodedPaths::new));
    }

    /** OPEN events carry an errorDetail ("ok") instead of null. */
    static final class DetailOnOpen extends Amqp {
        DetailOnOpen(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void emit(AmqpObject o, String event, String errorDetail) {
            super.emit(o, event, event.endsWith("_OPEN") ? "ok" : errorDetail);
        }
    }

    /** Reports SESSION_OPEN together with CONNECTION_OPEN, without waiting for the broker's answer to the Begin. */
    static final class EarlyOpen extends Amqp {
        EarlyOpen(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void remoteOpened(AmqpObject o) {
            super.remoteOpened(o);
            if (o instanceof AmqpConnection) {
                children(o).stream().filter(c -> c instanceof AmqpSession).forEach(this::opened);
            }
        }

        @Override
        protected void localOpened(AmqpObject o) {
            if (o instanceof AmqpSession && isOpen(o.parent())) {
                opened(o); // the connection is open, so the session is taken for open too
            }
        }
    }

    /** Releasing a session or connection leaves its children attached (no Detach before the End). */
    static final class ChildrenLeftOpen extends Amqp {
        ChildrenLeftOpen(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void closeChildren(AmqpObject o) {
        }
    }

    /** Releasing a connection closes only the connection; its sessions and links still say isopen() true. */
    static final class ConnectionReleaseKeepsChildren extends Amqp {
        private final Set<AmqpObject> reportedOpen = ConcurrentHashMap.newKeySet();

        ConnectionReleaseKeepsChildren(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void emit(AmqpObject o, String event, String errorDetail) {
            if (event.endsWith("_OPEN")) {
                reportedOpen.add(o);
            }
            super.emit(o, event, errorDetail);
        }

        @Override
        protected void closeChildren(AmqpObject o) {
            if (!(o instanceof AmqpConnection)) {
                super.closeChildren(o);
            }
        }

        @Override
        protected boolean isOpen(AmqpObject o) {
            return o.parent() == null ? super.isOpen(o) : reportedOpen.contains(o) && !released(o);
        }
    }

    /** Takes a refusing attach (null terminus) for an OPEN and drops the link's ERROR. */
    static final class IgnoresRefusal extends Amqp {
        IgnoresRefusal(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void remoteOpened(AmqpObject o) {
            opened(o);
        }

        @Override
        protected void emit(AmqpObject o, String event, String errorDetail) {
            if (!event.equals("SENDER_ERROR") && !event.equals("RECEIVER_ERROR")) {
                super.emit(o, event, errorDetail);
            }
        }
    }

    /** Reports SENDER_OPEN for the refusing attach (null terminus), then the SENDER_ERROR of its detach. */
    static final class OpenBeforeRefusal extends Amqp {
        OpenBeforeRefusal(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void remoteOpened(AmqpObject o) {
            opened(o);
        }
    }

    /** Holds CONNECTION_OPEN back until the connection's first SESSION_OPEN has been reported. */
    static final class WrongEventOrder extends Amqp {
        private final Set<AmqpObject> held = ConcurrentHashMap.newKeySet();

        WrongEventOrder(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void emit(AmqpObject o, String event, String errorDetail) {
            if (event.equals("CONNECTION_OPEN")) {
                held.add(o);
                return;
            }
            super.emit(o, event, errorDetail);
            if (event.equals("SESSION_OPEN") && held.remove(o.parent())) {
                super.emit(o.parent(), "CONNECTION_OPEN", null);
            }
        }
    }

    /** Reports SENDER_OPEN again whenever the broker's flow brings credit. */
    static final class OpenOnEveryFlow extends Amqp {
        OpenOnEveryFlow(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void pump(AmqpSender sender) {
            Sender link = link(sender);
            if (link != null && link.getCredit() > 0 && isOpen(sender)) {
                emit(sender, "SENDER_OPEN", null);
            }
            super.pump(sender);
        }
    }

    /** An object opened without a callback of its own gets its events nowhere (not to the connection's callback). */
    static final class CallbacklessEventsDropped extends Amqp {
        CallbacklessEventsDropped(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected EventCallback callbackOf(AmqpObject o) {
            EventCallback own = ownCallback(o);
            return own != null ? own : (e, d) -> { };
        }
    }

    /** Signals a session's or link's events to the connection's callback as well as to the object's own. */
    static final class EventsToConnectionToo extends Amqp {
        EventsToConnectionToo(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void emit(AmqpObject o, String event, String errorDetail) {
            super.emit(o, event, errorDetail);
            AmqpObject connection = o;
            while (connection.parent() != null) {
                connection = connection.parent();
            }
            if (connection != o && ownCallback(o) != null && ownCallback(connection) != null) {
                ownCallback(connection).onEvent(event, errorDetail);
            }
        }
    }

    /** The connection limit's error lacks the documented " in amqp.openconnection(url, callback)". */
    static final class WrongLimitString extends Amqp {
        WrongLimitString(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected AmqpException limitReached(String message) {
            return message.startsWith("max connection") ? new AmqpException("max connection limit reached") : super.limitReached(message);
        }
    }

    /** Counts sessions per connection (16 on each) instead of per agent. */
    static final class SessionsPerConnection extends Amqp {
        SessionsPerConnection(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected synchronized boolean slotFree(Class<?> kind, AmqpObject parent) {
            if (kind == AmqpSession.class) {
                return children(parent).stream().filter(c -> !released(c)).count() < ImpLimits.MAX_SESSIONS;
            }
            return super.slotFree(kind, parent);
        }
    }

    /** Counts links per session (64 on each) instead of per agent. */
    static final class LinksPerSession extends Amqp {
        LinksPerSession(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected synchronized boolean slotFree(Class<?> kind, AmqpObject parent) {
            if (kind == AmqpSender.class || kind == AmqpReceiver.class) {
                return children(parent).stream().filter(c -> !released(c)).count() < ImpLimits.MAX_LINKS;
            }
            return super.slotFree(kind, parent);
        }
    }

    /** Past 64 links a receiver fails with the sender's string ("... in amqpsession.opensender(url, callback)"). */
    static final class ReceiverLimitString extends Amqp {
        ReceiverLimitString(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected AmqpException limitReached(String message) {
            return super.limitReached(message.equals(ImpLimits.RECEIVER_LIMIT) ? ImpLimits.SENDER_LIMIT : message);
        }
    }

    /** Never gives a slot back: a released connection, session or link still counts against the limits. */
    static final class SlotsNeverFreed extends Amqp {
        SlotsNeverFreed(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected synchronized void freeSlot(AmqpObject o) {
        }
    }

    /** The rate error lacks the documented " in amqptransfer.sendasync(callback)". */
    static final class RateErrorWithoutCall extends Amqp {
        RateErrorWithoutCall(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected AmqpException limitReached(String message) {
            return message.equals(ImpLimits.RATE_EXCEEDED) ? new AmqpException("message rate exceeded") : super.limitReached(message);
        }
    }

    /** A message-credit bucket of its own: 40 at first, regenerating {@code perSecond} up to {@code cap}. */
    static final class Bucket extends Amqp {
        private final double cap;
        private final double perSecond;
        private double credit = ImpLimits.RATE_CAPACITY;
        private long stamp = System.nanoTime();

        Bucket(SSLContext trust, double cap, double perSecond) {
            super(trust, null);
            this.cap = cap;
            this.perSecond = perSecond;
        }

        @Override
        protected synchronized boolean takeRateCredit() {
            long now = System.nanoTime();
            credit = Math.min(cap, credit + (now - stamp) / 1e9 * perSecond);
            stamp = now;
            if (credit < 1) {
                return false;
            }
            credit -= 1;
            return true;
        }
    }

    /** Off by one: when transfers wait and credit arrives, one more goes out than the credit allows. */
    static final class OneBeyondCredit extends Amqp {
        OneBeyondCredit(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void pump(AmqpSender sender) {
            Sender link = link(sender);
            Deque<AmqpTransfer> queue = queue(sender);
            int credit = link == null ? 0 : link.getCredit();
            if (credit > 0 && queue.size() > credit) {
                for (int i = 0; i <= credit; i++) {
                    if (link.getCredit() == 0) {
                        forceCredit(link);
                    }
                    transmit(sender, queue.pollFirst());
                }
                return;
            }
            super.pump(sender);
        }

        /** Proton-J will not send without credit: add one behind its back, as a client with its own engine could. */
        private static void forceCredit(Sender link) {
            try {
                Method m = link.getClass().getDeclaredMethod("getTransportLink");
                m.setAccessible(true);
                Object transportLink = m.invoke(link);
                transportLink.getClass().getMethod("addCredit", int.class).invoke(transportLink, 1);
                link.getClass().getMethod("addCredit", int.class).invoke(link, 1);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Drains queued transfers newest first. */
    static final class NewestFirst extends Amqp {
        NewestFirst(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void pump(AmqpSender sender) {
            Sender link = link(sender);
            Deque<AmqpTransfer> queue = queue(sender);
            while (link != null && !queue.isEmpty() && link.getCredit() > 0) {
                transmit(sender, queue.pollLast());
            }
        }
    }

    /** String bodies go out as a data section of their UTF-8 bytes instead of an AMQP value. */
    static final class StringAsData extends Amqp {
        StringAsData(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected Section encodeBody(AmqpMessage message) {
            return message.isBinary() ? super.encodeBody(message) : new Data(new Binary(message.body().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Binary bodies go out as an AMQP value of type binary instead of a data section. */
    static final class BinaryAsValue extends Amqp {
        BinaryAsValue(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected Section encodeBody(AmqpMessage message) {
            return message.isBinary() ? new AmqpValue(new Binary(message.binaryBody())) : super.encodeBody(message);
        }
    }

    /** Property values are sent as given: lists and maps stay AMQP lists and maps. */
    static final class UnconvertedProperties extends Amqp {
        UnconvertedProperties(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected Object convertProperty(Object value) {
            return value;
        }
    }

    /** A null property value stays an AMQP null instead of becoming a string. */
    static final class NullPropertyLeftNull extends Amqp {
        NullPropertyLeftNull(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected Object convertProperty(Object value) {
            return value == null ? null : super.convertProperty(value);
        }
    }

    /** Accepts each delivery as it arrives, before the application calls accept(). */
    static final class AcceptsByItself extends Amqp {
        AcceptsByItself(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void arrived(AmqpReceiver receiver, AmqpDelivery delivery) {
            delivery.accept();
        }
    }

    /** reject() settles the delivery Released instead of Rejected. */
    static final class RejectSettlesReleased extends Amqp {
        RejectSettlesReleased(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void settle(AmqpReceiver receiver, Delivery delivery, DeliveryState state) {
            super.settle(receiver, delivery, state instanceof Rejected ? Released.getInstance() : state);
        }
    }

    /** Percent-encodes the path as a URL segment: "$cbs" goes out as "%24cbs", which no broker node answers. */
    static final class PercentEncodedPaths extends Amqp {
        PercentEncodedPaths(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected String address(String path) {
            return java.net.URLEncoder.encode(path, StandardCharsets.UTF_8).replace("%2F", "/");
        }
    }
}
