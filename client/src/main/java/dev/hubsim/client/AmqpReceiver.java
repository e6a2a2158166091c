package dev.hubsim.client;

/** A receiving link, from {@link AmqpSession#openReceiver}. */
public final class AmqpReceiver extends AmqpObject {
    final String path;
    final MessageCallback messageCallback;

    AmqpReceiver(Amqp amqp, AmqpSession parent, String path, EventCallback callback, MessageCallback messageCallback) {
        super(amqp, parent, callback);
        this.path = path;
        this.messageCallback = messageCallback;
    }

    @Override
    public String kind() {
        return "RECEIVER";
    }

    public String path() {
        return path;
    }
}
