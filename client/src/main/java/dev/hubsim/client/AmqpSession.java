package dev.hubsim.client;

/** An AMQP session, from {@link AmqpConnection#openSession}. */
public final class AmqpSession extends AmqpObject {
    AmqpSession(Amqp amqp, AmqpConnection parent, EventCallback callback) {
        super(amqp, parent, callback);
    }

    @Override
    public String kind() {
        return "SESSION";
    }

    /** A sender to {@code path} (relative to the host); SENDER_OPEN once the broker attached it. */
    public AmqpSender openSender(String path, EventCallback callback) {
        return amqp.openSender(this, path, callback);
    }

    public AmqpSender openSender(String path) {
        return openSender(path, null);
    }

    /** A receiver from {@code path}; each message goes to {@code messageCallback} with its delivery. */
    public AmqpReceiver openReceiver(String path, EventCallback eventCallback, MessageCallback messageCallback) {
        return amqp.openReceiver(this, path, eventCallback, messageCallback);
    }
}
