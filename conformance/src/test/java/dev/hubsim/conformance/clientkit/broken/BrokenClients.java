package dev.hubsim.conformance.clientkit.broken;

import dev.hubsim.client.Amqp;
import dev.hubsim.client.AmqpException;
import dev.hubsim.client.AmqpMessage;
import dev.hubsim.client.AmqpObject;
import dev.hubsim.client.AmqpSender;
import dev.hubsim.client.AmqpTransfer;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.engine.Sender;

import javax.net.ssl.SSLContext;
import java.lang.reflect.Method;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Deliberately broken clients: each is the reference client with exactly one departure from one statement. The kit
 * must fail each on that statement and no other (BrokenClientsTest).
 */
public final class BrokenClients {
    /** A variant, the statement it departs from, and how to make its agent. */
    public record Variant(String name, String statement, Function<SSLContext, Amqp> factory) {
    }

    private BrokenClients() {
    }

    public static List<Variant> all() {
        return List.of(
                new Variant("detail-on-open", "IMP-EVENT-001", DetailOnOpen::new),
                new Variant("open-before-answer", "IMP-EVENT-002", EarlyOpen::new),
                new Variant("children-left-open", "IMP-EVENT-003", ChildrenLeftOpen::new),
                new Variant("ignores-refusal", "IMP-EVENT-004", IgnoresRefusal::new),
                new Variant("connection-open-after-session", "IMP-EVENT-005", WrongEventOrder::new),
                new Variant("wrong-connection-limit-string", "IMP-LIMIT-101", WrongLimitString::new),
                new Variant("no-rate-limit", "IMP-RATE-001", NoRateLimit::new),
                new Variant("one-beyond-credit", "IMP-XFER-001", OneBeyondCredit::new),
                new Variant("queue-drained-newest-first", "IMP-XFER-002", NewestFirst::new),
                new Variant("binary-as-amqp-value", "IMP-MSG-002", BinaryAsValue::new),
                new Variant("unconverted-property-types", "IMP-MSG-003", UnconvertedProperties::new));
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

    /** Reports OPEN as soon as the Open, Begin or Attach is issued, without waiting for the broker. */
    static final class EarlyOpen extends Amqp {
        EarlyOpen(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void localOpened(AmqpObject o) {
            opened(o);
        }
    }

    /** Releasing a session or connection leaves its children open (no Detach, isopen() still true). */
    static final class ChildrenLeftOpen extends Amqp {
        ChildrenLeftOpen(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected void closeChildren(AmqpObject o) {
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

    /** Holds CONNECTION_OPEN back until the connection's first SESSION_OPEN has been reported. */
    static final class WrongEventOrder extends Amqp {
        private final Set<AmqpObject> held = new HashSet<>();

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

    /** No message credit: every sendasync is taken. */
    static final class NoRateLimit extends Amqp {
        NoRateLimit(SSLContext trust) {
            super(trust, null);
        }

        @Override
        protected boolean takeRateCredit() {
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

}
