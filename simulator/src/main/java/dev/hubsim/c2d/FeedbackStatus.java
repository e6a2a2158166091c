package dev.hubsim.c2d;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a cloud-to-device message ended, as the feedback record's {@code statusCode} spells it. */
public enum FeedbackStatus {
    SUCCESS("Success", "Success"),
    EXPIRED("Expired", "Message expired"),
    DELIVERY_COUNT_EXCEEDED("DeliveryCountExceeded", "Message delivery count exceeded"),
    REJECTED("Rejected", "Message rejected"),
    PURGED("Purged", "Message purged");

    private final String statusCode;
    private final String description;

    FeedbackStatus(String statusCode, String description) {
        this.statusCode = statusCode;
        this.description = description;
    }

    @JsonValue
    public String statusCode() {
        return statusCode;
    }

    /** The record's {@code description}; "Success" for success as in the documents' example. */
    public String description() {
        return description;
    }
}
