package dev.hubsim.bench;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Links and deliveries of an {@link AmqpClient}'s engine; every method runs on the client's event loop. */
final class Links {
    private Links() {
    }

    /** Event loop only: an unsettled sender to {@code address}. */
    static Sender sender(Session session, String name, String address, AmqpClient.LinkHandler handler) {
        return sender(session, name, address, null, handler);
    }

    /** Event loop only: the same with link properties (the hub's twin and methods links need a channel id). */
    static Sender sender(Session session, String name, String address, Map<Symbol, Object> properties,
                         AmqpClient.LinkHandler handler) {
        Sender sender = session.sender(name);
        sender.setProperties(properties);
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSource(new Source());
        sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.setContext(handler);
        sender.open();
        return sender;
    }

    /** Event loop only: a receiver on {@code source} with this much credit. */
    static Receiver receiver(Session session, String name, Source source, int credit, AmqpClient.LinkHandler handler) {
        return receiver(session, name, source, null, credit, handler);
    }

    /** Event loop only: the same with link properties. */
    static Receiver receiver(Session session, String name, Source source, Map<Symbol, Object> properties,
                             int credit, AmqpClient.LinkHandler handler) {
        Receiver receiver = session.receiver(name);
        receiver.setProperties(properties);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setContext(handler);
        receiver.open();
        if (credit > 0) {
            receiver.flow(credit);
        }
        return receiver;
    }

    static Source source(String address) {
        Source source = new Source();
        source.setAddress(address);
        return source;
    }

    /** Event loop only: reads a complete delivery's message; null while it is partial. */
    static Message read(Delivery delivery) {
        if (!delivery.isReadable() || delivery.isPartial()) {
            return null;
        }
        Receiver receiver = (Receiver) delivery.getLink();
        byte[] bytes = new byte[delivery.pending()];
        int n = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        Message message = Proton.message();
        message.decode(bytes, 0, n);
        return message;
    }

    /** Event loop only: accepts and settles a received delivery. */
    static void accept(Delivery delivery) {
        delivery.disposition(Accepted.getInstance());
        delivery.settle();
    }

    /** A handler that completes {@code attached} when the server attaches the link with its own terminus. */
    static AmqpClient.LinkHandler attachWatcher(CompletableFuture<Link> attached, Consumer<Delivery> deliveries) {
        return new AmqpClient.LinkHandler() {
            @Override
            public void onOpen(Link link) {
                boolean terminus = link instanceof Sender ? link.getRemoteTarget() != null : link.getRemoteSource() != null;
                if (terminus) {
                    attached.complete(link);
                }
            }

            @Override
            public void onDelivery(Delivery delivery) {
                if (deliveries != null) {
                    deliveries.accept(delivery);
                }
            }

            @Override
            public void onClose(Link link) {
                attached.completeExceptionally(new IllegalStateException("link '" + link.getName() + "' refused: " + link.getRemoteCondition()));
            }
        };
    }
}
