package dev.hubsim.client;

import java.util.concurrent.atomic.AtomicBoolean;

/** One attempt to send one message; a resend needs a new transfer. */
public final class AmqpTransfer {
    final AmqpSender sender;
    final AmqpMessage message;
    private final AtomicBoolean used = new AtomicBoolean();
    TransferCallback callback;

    AmqpTransfer(AmqpSender sender, AmqpMessage message) {
        this.sender = sender;
        this.message = message;
    }

    public AmqpMessage message() {
        return message;
    }

    /**
     * Queues the transfer on its sender; {@code callback} hears the outcome. Throws {@link AmqpException} with
     * {@link ImpLimits#RATE_EXCEEDED} when the message credit is used up.
     */
    public void sendAsync(TransferCallback callback) {
        if (!used.compareAndSet(false, true)) {
            throw new AmqpException("transfer already sent: create a new transfer for each send attempt");
        }
        sender.amqp.send(this, callback == null ? (o, d) -> { } : callback);
    }
}
