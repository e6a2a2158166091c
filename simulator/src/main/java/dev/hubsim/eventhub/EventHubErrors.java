package dev.hubsim.eventhub;



/** Descriptions the Event Hub-compatible endpoint sends; the conditions are in {@link dev.hubsim.errors.Condition}. */
public final class EventHubErrors {
    private EventHubErrors() {
    }

    /** At most this many non-epoch receivers per partition per consumer group (reference/iothub-amqp.md §6.4). */
    public static final int MAX_NON_EPOCH_RECEIVERS = 5;

    /** The documented text for the sixth non-epoch receiver (reference/iothub-amqp.md §6.4). */
    public static final String TOO_MANY_RECEIVERS =
            "Exceeded the maximum number of allowed receivers per partition in a consumer group which is " + MAX_NON_EPOCH_RECEIVERS;

    public static String malformedFilter(String expression) {
        return "The source filter 'apache.org:selector-filter:string' value '" + expression + "' is not a start position; "
                + "expected amqp.annotation.{x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time} {>|>=} 'value'.";
    }

    public static String badFilterValue(String expression, String annotation, String value) {
        return "The source filter '" + expression + "' gives " + annotation + " the value '" + value
                + "', which is not a number (offsets also take '-1' for the start and '@latest' for the end).";
    }

    public static String filterNotAString(Object value) {
        return "The source filter 'apache.org:selector-filter:string' must hold a string, not "
                + (value == null ? "nothing" : value.getClass().getSimpleName()) + ".";
    }

    public static String epochNotALong(Object value) {
        return "The link property 'com.microsoft:epoch' must be a long, not " + value.getClass().getSimpleName() + ".";
    }

    /** Event Hubs' text for an unknown consumer group (the service's wording, as Microsoft's Event Hubs mock sends it). */
    public static String unknownConsumerGroup(String host, String eventHub, String group) {
        return "The messaging entity '" + host + ":eventhub:" + eventHub + "~0|" + group + "' could not be found.";
    }

    /** Event Hubs' text for a partition id outside the hub's partitions. */
    public static final String UNKNOWN_PARTITION = "The specified partition is invalid for an EventHub partition sender or receiver.";

    public static String readOnly(String address) {
        return "The built-in Event Hub-compatible endpoint only delivers device telemetry; '" + address
                + "' is not a consumer group partition or $management.";
    }

    public static String noClaim(String address, String audience) {
        return "No claim on this connection covers '" + address + "': put a token for '" + audience
                + "' on $cbs first, signed by a shared access policy with ServiceConnect.";
    }

    // The next three are Event Hubs' own texts (as Microsoft's Event Hubs mock service sends them), all with amqp:link:stolen.

    public static String stolen(long newEpoch, String oldEpoch) {
        return "New receiver 'nil' with higher epoch of '" + newEpoch + "' is created hence current receiver 'nil' with epoch '"
                + oldEpoch + "' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.";
    }

    public static String lowerEpoch(long epoch, long current) {
        return "Receiver 'nil' with a higher epoch '" + current + "' already exists. Receiver 'nil' with epoch " + epoch
                + " cannot be created. Make sure you are creating receiver with increasing epoch value to ensure connectivity, "
                + "or ensure all old epoch receivers are closed or disconnected.";
    }

    public static String epochHolderExists(long current) {
        return "At least one receiver for the endpoint is created with epoch of '" + current + "', and so non-epoch receiver "
                + "is not allowed. Either reconnect with a higher epoch, or make sure all epoch receivers are closed or disconnected.";
    }

    public static String redirect(String address) {
        return "Read device telemetry from the IoT hub's Event Hub-compatible endpoint: " + address;
    }

    public static String badManagementRequest(String what) {
        return "The $management request " + what;
    }
}
