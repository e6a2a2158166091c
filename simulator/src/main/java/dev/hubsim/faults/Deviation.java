package dev.hubsim.faults;

/**
 * Deliberate departures from one documented statement each, for testing conformance kits: a kit run against a
 * simulator started with a deviation must fail the matching statements and no other. Never on by default; the CLI
 * and the public builder do not offer them (TestHooks does). Each is a departure a real implementation could make.
 */
public enum Deviation {
    // --- $cbs (reference/iothub-amqp.md §3) ---
    /** CBS replies carry {@code status-code} as AMQP long instead of int (§3.5, §3.6). */
    CBS_STATUS_CODE_AS_LONG,
    /** CBS replies carry the request's {@code message-id} as a string {@code correlation-id}, whatever its type (§3.5). */
    CBS_CORRELATION_ID_AS_STRING,
    /** A granted put-token is answered {@code status-description} "Ok" instead of "OK" (§3.5). */
    CBS_DESCRIPTION_NOT_OK,
    /** The reply to a put-token is sent before the request is settled (§3.5). */
    CBS_REPLY_BEFORE_SETTLING,
    /** A put-token of type {@code azure-devices.net:sastoken} is refused 401 (§3.3). */
    CBS_AZURE_DEVICES_TYPE_REFUSED,
    /** A put-token whose audience is URL-encoded is refused 401 (§3.4). */
    CBS_ENCODED_AUDIENCE_REFUSED,
    /** A put-token carrying {@code expiration} is answered 400 (§3.2). */
    CBS_EXPIRATION_REFUSED,
    // --- SAS tokens (§1) ---
    /** Token field names are matched case-sensitively: {@code SR=}, {@code Sig=} ... are refused 401 (§1.1). */
    SAS_FIELD_NAMES_CASE_SENSITIVE,
    /** A token past its {@code se} is refused at once, without the clock-skew allowance (§1.1, §3.7). */
    SAS_NO_CLOCK_SKEW,
    // --- links (§4) ---
    /** An unknown path's refusal attach carries the client's terminus instead of a null one (§4.7). */
    UNKNOWN_PATH_WITH_TERMINUS,
    /** An unknown path is refused with a description other than Edge Hub's "Matching template not found" (§4.7). */
    UNKNOWN_PATH_OTHER_DESCRIPTION,
    /** Path literals are matched case-sensitively (§4.2). */
    PATHS_CASE_SENSITIVE,
    /** A device claim opens another device's telemetry path (§1.3). */
    CROSS_DEVICE_CLAIM_ALLOWED,
    /** When a claim lapses, the links it opened stay attached (§3.7). */
    TOKEN_EXPIRY_NOT_DETACHING,
    /** A put-token renewing a held audience is answered 200 but the claim keeps its first expiry (§3.7). */
    TOKEN_RENEWAL_IGNORED,
    /** Size limits count the whole encoded message, not the documented size, so a message of exactly 256 KB / 64 KB is refused. */
    SIZE_COUNTED_ENCODED,
    // --- telemetry and the Event Hub-compatible endpoint (§5, §6, §8.2) ---
    /** The {@code amqp:link:redirect} of the hub's events paths leaves {@code address} out of its {@code info} map (§5.2). */
    REDIRECT_WITHOUT_ADDRESS,
    /** Stored telemetry lacks the {@code iothub-connection-device-id} stamp (§6.1). */
    TELEMETRY_WITHOUT_DEVICE_ID,
    /** Stored telemetry loses the device's application properties (seed: send telemetry). */
    TELEMETRY_APPLICATION_PROPERTIES_DROPPED,
    /** A batch (format 0x80013700) is stored as one event, its first message, as hubsim did before (§8.2). */
    BATCH_AS_ONE_EVENT,
    /** The {@code x-opt-sequence-number} stamped on events counts in twos (§6.1). */
    SEQUENCE_NUMBERS_SKIP,
    /** {@code x-opt-offset} is stamped as an AMQP long instead of a string (§6.1). */
    OFFSET_AS_LONG,
    /** A selector filter's {@code >=} is read as {@code >} (§6.2). */
    INCLUSIVE_FILTER_AS_EXCLUSIVE,
    // --- cloud-to-device and feedback (§7) ---
    /** The delivery tag is the lock token in big-endian (Java UUID) order, not .NET Guid order (§7.3). */
    LOCK_TOKEN_BIG_ENDIAN,
    /** {@code iothub-deliverycount} is an AMQP uint instead of a ubyte (§7.3). */
    DELIVERY_COUNT_AS_UINT,
    /** An abandoned message comes again with its delivery count unchanged (§7.4). */
    DELIVERY_COUNT_NOT_RAISED,
    /** The {@code subject} a service set does not reach the device (seed: receive C2D). */
    C2D_SUBJECT_DROPPED,
    /** A full device queue refuses with {@code com.microsoft:quota-exceeded} instead of {@code amqp:resource-limit-exceeded} (§8.4). */
    C2D_QUEUE_FULL_OTHER_CONDITION,
    /** A delivery the device leaves unsettled stays locked for good instead of coming back after the lock timeout (§7.5). */
    C2D_LOCK_NEVER_TIMES_OUT,
    /** A message without {@code absolute-expiry-time} lives the longest time to live, 2 days, instead of 1 hour (§7.5). */
    C2D_DEFAULT_TTL_IGNORED,
    /** An {@code absolute-expiry-time} more than 2 days ahead is kept as asked instead of cut to 2 days (§7.5). */
    C2D_TTL_NOT_CAPPED,
    /** Feedback records say {@code Completed} where IoT Hub says {@code Success} (§7.6). */
    FEEDBACK_SUCCESS_AS_COMPLETED,
    /** Feedback messages carry content type {@code application/json} (§7.6). */
    FEEDBACK_PLAIN_JSON_CONTENT_TYPE,
    // --- the imp profile (seeds/imp-amqp-object.txt) ---
    /** The link limit's refusal says "link limit exceeded (64)" instead of "max link limit reached (64)". */
    IMP_LINK_LIMIT_OTHER_TEXT,
    /** A telemetry link's credit bucket holds one more than the profile says (41 of 40). */
    CREDIT_BEYOND_BUCKET,
    /** Each link gets a credit bucket of its own, so N links of one agent hold N x 40 ("Each agent is ... restricted"). */
    CREDIT_BUCKET_PER_LINK,
    /** Twin responses carry {@code status} as AMQP long instead of int (reference/iothub-twin-methods-mqtt.md §1.4). */
    TWIN_STATUS_AS_LONG,
    /** Twin responses carry the request's {@code correlation-id} as a string, whatever its type (§1.4). */
    TWIN_CORRELATION_ID_AS_STRING,
    /** Desired-property pushes leave {@code $version} out of their body (§1.5). */
    TWIN_PUSH_WITHOUT_VERSION,
    /**
     * A subscription PUT sent pre-settled (Node, C, .NET) subscribes but gets no answer: the hub takes the settlement
     * for the answer, which only the Java SDK waits for (§1.1, §1.3).
     */
    TWIN_PRESETTLED_PUT_UNANSWERED,
    /** A subscription PUT on a channel already subscribed is answered 400 (C's unsubscribe is such a PUT, §1.2, §1.3). */
    TWIN_REPEATED_PUT_REFUSED,
    /** A reported PATCH whose {@code version} annotation is present with a null value (.NET) is answered 400 (§1.2). */
    TWIN_NULL_VERSION_REFUSED,
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
    /** Method request ids are a counter in a UUID (version 0), not RFC 4122 ones: Node echoes them as strings (§2.2). */
    METHOD_CORRELATION_ID_NOT_RFC4122,
    /** A method request for a call whose payload is null has no body section (C rejects such a request, §2.2). */
    METHOD_REQUEST_WITHOUT_BODY,
    /** A method answer sent pre-settled (.NET's sender is settled) is dropped, so the call times out (§2.1, §2.3). */
    METHOD_PRESETTLED_ANSWER_DROPPED,
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
