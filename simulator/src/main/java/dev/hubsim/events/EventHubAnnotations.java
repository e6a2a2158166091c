package dev.hubsim.events;

import org.apache.qpid.proton.amqp.Symbol;

/** The Event Hubs system annotations each stored event carries (reference/iothub-amqp.md §6.1). */
public final class EventHubAnnotations {
    private EventHubAnnotations() {
    }

    public static final String SEQUENCE_NUMBER = "x-opt-sequence-number";
    public static final String OFFSET = "x-opt-offset";
    public static final String ENQUEUED_TIME = "x-opt-enqueued-time";

    public static final Symbol SEQUENCE_NUMBER_SYMBOL = Symbol.valueOf(SEQUENCE_NUMBER);
    public static final Symbol OFFSET_SYMBOL = Symbol.valueOf(OFFSET);
    public static final Symbol ENQUEUED_TIME_SYMBOL = Symbol.valueOf(ENQUEUED_TIME);
}
