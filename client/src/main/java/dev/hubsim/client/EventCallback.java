package dev.hubsim.client;

/** An object's event callback: {@code errorDetail} is null except for ERROR events. Called on the client's loop thread. */
@FunctionalInterface
public interface EventCallback {
    void onEvent(String event, String errorDetail);
}
