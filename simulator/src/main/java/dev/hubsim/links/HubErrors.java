package dev.hubsim.links;

import org.apache.qpid.proton.amqp.Symbol;

/**
 * Error conditions and descriptions the hub sends. One place for each string, so specs and tests quote the same text.
 */
public final class HubErrors {
    private HubErrors() {
    }

    public static final Symbol UNAUTHORIZED_ACCESS = Symbol.valueOf("amqp:unauthorized-access");
    public static final Symbol NOT_ALLOWED = Symbol.valueOf("amqp:not-allowed");
    public static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    public static final Symbol INVALID_FIELD = Symbol.valueOf("amqp:invalid-field");
    public static final Symbol INTERNAL_ERROR = Symbol.valueOf("amqp:internal-error");
    public static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.valueOf("amqp:link:message-size-exceeded");
    public static final Symbol RESOURCE_LIMIT_EXCEEDED = Symbol.valueOf("amqp:resource-limit-exceeded");
    public static final Symbol DECODE_ERROR = Symbol.valueOf("amqp:decode-error");
    /** The hub's ArgumentNull / ArgumentInvalid (reference/iothub-amqp.md §9.2): bad C2D properties, a malformed filter. */
    public static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");
    /** Service receivers on /messages/events go to the Event Hub-compatible endpoint (reference/iothub-amqp.md §5.2). */
    public static final Symbol LINK_REDIRECT = Symbol.valueOf("amqp:link:redirect");
    /** An epoch receiver displaced or refused another (reference/iothub-amqp.md §6.3). */
    public static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
    /** Event Hubs' condition for a partition id that does not exist (reference/iothub-amqp.md §9.4). */
    public static final Symbol ARGUMENT_OUT_OF_RANGE = Symbol.valueOf("com.microsoft:argument-out-of-range");

    /** Edge Hub's text for an address no template matches (reference/iothub-amqp.md §4.7). */
    public static String unknownAddress(String address) {
        return "Matching template not found for uri " + address;
    }

    public static String modulesNotSimulated(String address) {
        return "Module identities are not simulated; '" + address + "' names a module.";
    }

    public static String noClaim(String address, String resource) {
        return "No claim on this connection covers '" + address + "': put a valid token for '" + resource
                + "' on $cbs first, or connect with SASL PLAIN.";
    }

    public static String d2cTooLarge(long size, long max) {
        return "The device-to-cloud message is " + size + " bytes; the hub accepts at most " + max + ".";
    }

    public static String deviceDisabled(String deviceId) {
        return "Device '" + deviceId + "' is disabled.";
    }

    public static String unknownDevice(String deviceId) {
        return "Device '" + deviceId + "' is not registered with this hub.";
    }
}
