package dev.hubsim.c2d;

import java.util.Locale;

/**
 * The {@code iothub-ack} application property: which outcomes of a message produce feedback
 * (reference/iothub-amqp.md §7.2). The Java service SDK sends {@code positiveonly} and {@code negativeonly}; the hub's
 * handling of those spellings is unconfirmed, so they are tolerated as {@code positive} and {@code negative}.
 */
public enum DeliveryAcknowledgement {
    NONE, POSITIVE, NEGATIVE, FULL;

    public static final String PROPERTY = "iothub-ack";

    /** The value of the property, or null when it is not one of the accepted spellings. */
    public static DeliveryAcknowledgement parse(String value) {
        if (value == null) {
            return NONE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "positive", "positiveonly" -> POSITIVE;
            case "negative", "negativeonly" -> NEGATIVE;
            case "full" -> FULL;
            default -> null;
        };
    }

    public boolean wants(FeedbackStatus status) {
        return switch (this) {
            case NONE -> false;
            case FULL -> true;
            case POSITIVE -> status == FeedbackStatus.SUCCESS;
            case NEGATIVE -> status != FeedbackStatus.SUCCESS;
        };
    }
}
