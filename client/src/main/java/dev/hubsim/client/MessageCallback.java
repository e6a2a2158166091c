package dev.hubsim.client;

/** A receiver's message callback; settle the delivery with accept, reject or release. Called on the loop thread. */
@FunctionalInterface
public interface MessageCallback {
    void onMessage(AmqpMessage message, AmqpDelivery delivery);
}
