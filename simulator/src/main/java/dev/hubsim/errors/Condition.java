package dev.hubsim.errors;

import java.util.Locale;

/**
 * The error conditions the hub answers with, by meaning. Each face puts them on its wire in its own form; the AMQP
 * face sends {@link #wireName()} as the condition symbol (reference/iothub-amqp.md §9).
 */
public enum Condition {
    UNAUTHORIZED_ACCESS("amqp:unauthorized-access"),
    NOT_ALLOWED("amqp:not-allowed"),
    NOT_FOUND("amqp:not-found"),
    INVALID_FIELD("amqp:invalid-field"),
    INTERNAL_ERROR("amqp:internal-error"),
    DECODE_ERROR("amqp:decode-error"),
    RESOURCE_LIMIT_EXCEEDED("amqp:resource-limit-exceeded"),
    MESSAGE_SIZE_EXCEEDED("amqp:link:message-size-exceeded"),
    TRANSFER_LIMIT_EXCEEDED("amqp:link:transfer-limit-exceeded"),
    /** Service receivers on /messages/events go to the Event Hub-compatible endpoint (reference/iothub-amqp.md §5.2). */
    LINK_REDIRECT("amqp:link:redirect"),
    /** An epoch receiver displaced or refused another (reference/iothub-amqp.md §6.3). */
    LINK_STOLEN("amqp:link:stolen"),
    DETACH_FORCED("amqp:link:detach-forced"),
    CONNECTION_FORCED("amqp:connection:forced"),
    /** The hub's ArgumentNull / ArgumentInvalid (reference/iothub-amqp.md §9.2): bad C2D properties, a malformed filter. */
    ARGUMENT_ERROR("com.microsoft:argument-error"),
    /** Event Hubs' condition for a partition id that does not exist (reference/iothub-amqp.md §9.4). */
    ARGUMENT_OUT_OF_RANGE("com.microsoft:argument-out-of-range"),
    // Transient conditions of Azure messaging services, for fault injection: what a client must survive.
    TIMEOUT("com.microsoft:timeout"),
    SERVER_BUSY("com.microsoft:server-busy"),
    DEVICE_CONTAINER_THROTTLED("com.microsoft:device-container-throttled"),
    QUOTA_EXCEEDED("com.microsoft:quota-exceeded"),
    IOT_HUB_SUSPENDED("com.microsoft:iot-hub-suspended");

    private final String wireName;

    Condition(String wireName) {
        this.wireName = wireName;
    }

    /** The AMQP symbol text, e.g. {@code amqp:unauthorized-access}. */
    public String wireName() {
        return wireName;
    }

    /** The condition with this wire name (case-insensitive), or null. */
    public static Condition fromWireName(String name) {
        for (Condition c : values()) {
            if (c.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
