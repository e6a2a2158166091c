package dev.hubsim.mqtt;

/**
 * The topics a device may publish to and the filters it may subscribe to (reference iothub-twin-methods-mqtt.md §4.5),
 * parsed for one connected identity. Anything else is not a topic of this device.
 */
final class Topics {
    static final String TWIN_RESPONSES = "$iothub/twin/res/#";
    static final String TWIN_DESIRED = "$iothub/twin/PATCH/properties/desired/#";
    static final String METHOD_REQUESTS = "$iothub/methods/POST/#";
    static final String TWIN_GET = "$iothub/twin/GET/";
    static final String TWIN_PATCH_REPORTED = "$iothub/twin/PATCH/properties/reported/";
    static final String METHOD_RESPONSE = "$iothub/methods/res/";

    /** What a subscription is for. */
    enum Filter { DEVICE_BOUND, MODULE_INPUTS, TWIN_RESPONSES, TWIN_DESIRED, METHOD_REQUESTS }

    private final String prefix;
    private final String events;
    private final String deviceBoundFilter;
    private final String deviceBoundPrefix;
    private final String inputsFilter;
    /** The Java ModuleClient subscribes to its module's own C2D topic: granted, never fed (C2D is for devices). */
    private final String moduleDeviceBoundFilter;

    /** @param moduleId null for a device's own connection */
    Topics(String deviceId, String moduleId) {
        this.prefix = moduleId == null ? "devices/" + deviceId + "/" : "devices/" + deviceId + "/modules/" + moduleId + "/";
        this.events = prefix + "messages/events";
        this.deviceBoundPrefix = "devices/" + deviceId + "/messages/devicebound/";
        this.deviceBoundFilter = deviceBoundPrefix + "#";
        this.inputsFilter = moduleId == null ? null : prefix + "inputs/#";
        this.moduleDeviceBoundFilter = moduleId == null ? null : prefix + "messages/devicebound/#";
    }

    /** The filter's kind, or null when this device may not subscribe to it. */
    Filter filter(String topicFilter) {
        if (topicFilter.equals(deviceBoundFilter)) {
            return Filter.DEVICE_BOUND;
        }
        if (topicFilter.equals(inputsFilter) || topicFilter.equals(moduleDeviceBoundFilter)) {
            return Filter.MODULE_INPUTS;
        }
        return switch (topicFilter) {
            case TWIN_RESPONSES -> Filter.TWIN_RESPONSES;
            case TWIN_DESIRED -> Filter.TWIN_DESIRED;
            case METHOD_REQUESTS -> Filter.METHOD_REQUESTS;
            default -> null;
        };
    }

    /** The property bag of a telemetry topic ({@code ""} when none), or null when the topic is not this device's telemetry. */
    String telemetryBag(String topic) {
        if (!topic.startsWith(events)) {
            return null;
        }
        if (topic.length() == events.length()) {
            return "";
        }
        if (topic.charAt(events.length()) != '/') {
            return null;
        }
        // Java appends a '/' after a module's bag (MqttMessaging.java:122-125).
        int end = topic.endsWith("/") ? topic.length() - 1 : topic.length();
        return end <= events.length() ? "" : topic.substring(events.length() + 1, end);
    }

    /** The topic a C2D message goes out on, with its encoded property bag. */
    String deviceBound(String encodedBag) {
        return deviceBoundPrefix + encodedBag;
    }

    String deviceBoundAddress() {
        return "/" + deviceBoundPrefix.substring(0, deviceBoundPrefix.length() - 1);
    }
}
