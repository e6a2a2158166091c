package dev.hubsim.client;

import java.util.ArrayDeque;
import java.util.Deque;

/** A sending link, from {@link AmqpSession#openSender}. Transfers wait in order until the receiving end gives credit. */
public final class AmqpSender extends AmqpObject {
    final String path;
    /** Transfers waiting for credit, oldest first. Touched on the loop thread only. */
    final Deque<AmqpTransfer> queue = new ArrayDeque<>();
    long tags;

    AmqpSender(Amqp amqp, AmqpSession parent, String path, EventCallback callback) {
        super(amqp, parent, callback);
        this.path = path;
    }

    @Override
    public String kind() {
        return "SENDER";
    }

    public String path() {
        return path;
    }

    /** One transfer for one send attempt of {@code message}. */
    public AmqpTransfer createTransfer(AmqpMessage message) {
        return new AmqpTransfer(this, message);
    }
}
