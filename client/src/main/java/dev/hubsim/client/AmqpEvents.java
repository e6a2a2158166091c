package dev.hubsim.client;

/** The event names passed to object callbacks: a kind prefix and OPEN, CLOSED or ERROR. */
public final class AmqpEvents {
    public static final String CONNECTION_OPEN = "CONNECTION_OPEN";
    public static final String CONNECTION_CLOSED = "CONNECTION_CLOSED";
    public static final String CONNECTION_ERROR = "CONNECTION_ERROR";
    public static final String SESSION_OPEN = "SESSION_OPEN";
    public static final String SESSION_CLOSED = "SESSION_CLOSED";
    public static final String SESSION_ERROR = "SESSION_ERROR";
    public static final String SENDER_OPEN = "SENDER_OPEN";
    public static final String SENDER_CLOSED = "SENDER_CLOSED";
    public static final String SENDER_ERROR = "SENDER_ERROR";
    public static final String RECEIVER_OPEN = "RECEIVER_OPEN";
    public static final String RECEIVER_CLOSED = "RECEIVER_CLOSED";
    public static final String RECEIVER_ERROR = "RECEIVER_ERROR";

    private AmqpEvents() {
    }
}
