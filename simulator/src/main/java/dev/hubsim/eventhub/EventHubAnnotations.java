package dev.hubsim.eventhub;

/** The Event Hubs system annotations each stored event carries (reference/iothub-amqp.md §6.1). */
public final class EventHubAnnotations {
    private EventHubAnnotations() {
    }

    public static final String SEQUENCE_NUMBER = "x-opt-sequence-number";
    public static final String OFFSET = "x-opt-offset";
    public static final String ENQUEUED_TIME = "x-opt-enqueued-time";
}
