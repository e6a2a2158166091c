package dev.hubsim.faults;

/**
 * Deliberate departures from one documented statement each, for testing conformance kits: a kit run against a
 * simulator started with a deviation must fail the matching statement and no other. Never on by default; the CLI
 * does not offer them.
 */
public enum Deviation {
    /** CBS replies carry {@code status-code} as AMQP long instead of int (reference/iothub-amqp.md §3.5, §3.6). */
    CBS_STATUS_CODE_AS_LONG,
    /** CBS replies carry the request's {@code message-id} as a string {@code correlation-id}, whatever its type (§3.5). */
    CBS_CORRELATION_ID_AS_STRING,
    /** The {@code amqp:link:redirect} of the hub's events paths leaves {@code address} out of its {@code info} map (§5.2). */
    REDIRECT_WITHOUT_ADDRESS,
    /** MQTT: a refused CONNECT gets CONNACK 4 (bad user name or password) instead of 5 (reference iothub-twin-methods-mqtt.md §4.3). */
    MQTT_CONNACK_4_ON_REFUSAL,
    /** MQTT: a client id that is not the user name's device is taken from the user name and accepted (§4.2). */
    MQTT_CLIENT_ID_NOT_CHECKED,
    /** MQTT: telemetry keys are matched without URL-decoding, so {@code %24.cid} stays an application property (§4.6). */
    MQTT_BAG_KEYS_NOT_DECODED,
    /** MQTT: a PUBLISH to a topic the device may not use is acknowledged and dropped, the connection kept (§4.3, §4.4). */
    MQTT_FOREIGN_PUBLISH_DROPPED,
    /** MQTT: a SUBSCRIBE to a filter the device may not use gets SUBACK 0x80, the connection kept (§4.4). */
    MQTT_BAD_SUBSCRIBE_ANSWERED,
    /** MQTT: a QoS 2 PUBLISH is stored as QoS 1 and the connection kept (§4.4). */
    MQTT_QOS2_PUBLISH_KEPT,
    /** MQTT: a SUBSCRIBE is granted the QoS asked for, 2 included (§4.4). */
    MQTT_QOS2_GRANTED,
    /** MQTT: a C2D topic's bag starts with the application properties, before any {@code %24.} key (§4.6). */
    MQTT_C2D_APPLICATION_PROPERTIES_FIRST,
    /** MQTT: a twin GET is answered with status 202 (§4.7). */
    MQTT_TWIN_GET_202,
    /** MQTT: a reported patch's answer puts {@code $version} before {@code $rid} (§4.7). */
    MQTT_TWIN_VERSION_BEFORE_RID,
    /** MQTT: a second connection with the same client id is refused (CONNACK 5) and the first kept (§4.3). */
    MQTT_SECOND_CONNECTION_REFUSED,
    /** MQTT: telemetry at QoS 1 is stored but never acknowledged (§4.4, §4.5). */
    MQTT_NO_PUBACK,
    /** Method requests carry their {@code correlation-id} as a string, not an AMQP uuid (reference/iothub-twin-methods-mqtt.md §2.2). */
    METHOD_CORRELATION_ID_AS_STRING,
    /** A method call returns status 200 whatever status the device answered (§5.3). */
    METHOD_STATUS_ALWAYS_200,
    /** A method call to a device not subscribed answers 504101 instead of 404103 (§5.3). */
    METHOD_NOT_ONLINE_AS_TIMEOUT,
    /** A method call the device does not answer in time gets 404103 instead of 504101 (§5.3). */
    METHOD_TIMEOUT_AS_NOT_ONLINE,
    /**
     * Telemetry refusals swap their conditions: a throttled message gets {@code amqp:resource-limit-exceeded}, one over
     * the daily quota {@code com.microsoft:device-container-throttled} (reference/iothub-twin-methods-mqtt.md §7.2).
     */
    THROTTLE_CONDITIONS_SWAPPED
}
