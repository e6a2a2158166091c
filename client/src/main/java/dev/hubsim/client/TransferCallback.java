package dev.hubsim.client;

/**
 * Called once per transfer when the receiving end settled it: {@code outcome} is accepted, rejected, released or
 * modified; {@code errorDetail} is null when accepted, else the broker's description (or the outcome's name), or why
 * the transfer never went out (its sender closed first).
 */
@FunctionalInterface
public interface TransferCallback {
    void onSent(String outcome, String errorDetail);
}
