package dev.hubsim.trace;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * One thing seen on a connection: a frame in either direction, a protocol header, a decoded CBS exchange, an injected
 * fault or a protocol violation.
 *
 * @param sequence     order across all connections of the simulator, so "happened before" is a comparison
 * @param time         when it was recorded
 * @param connectionId the connection's id in the simulator's trace
 * @param direction    IN from the client, OUT to the client, LOCAL for what the simulator noted itself
 * @param channel      the AMQP channel, or -1
 * @param path         the link address for link frames (attach, flow, transfer, disposition, detach), the topic of an MQTT
 *                     PUBLISH, else null
 * @param fields       the frame's fields that tests assert on, by their AMQP names
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceRecord(long sequence, Instant time, String connectionId, Direction direction, FrameType type, int channel,
                          String path, Map<String, Object> fields) {

    public enum Direction { IN, OUT, LOCAL }

    public enum FrameType {
        AMQP_HEADER, SASL_HEADER, SASL_MECHANISMS, SASL_INIT, SASL_CHALLENGE, SASL_RESPONSE, SASL_OUTCOME,
        OPEN, BEGIN, ATTACH, FLOW, TRANSFER, DISPOSITION, DETACH, END, CLOSE, EMPTY,
        CBS_REQUEST, CBS_REPLY, FAULT, VIOLATION, LIMIT,
        /** MQTT control packets, by their MQTT names. */
        MQTT_CONNECT, MQTT_CONNACK, MQTT_PUBLISH, MQTT_PUBACK, MQTT_PUBREC, MQTT_PUBREL, MQTT_PUBCOMP, MQTT_SUBSCRIBE, MQTT_SUBACK,
        MQTT_UNSUBSCRIBE, MQTT_UNSUBACK, MQTT_PINGREQ, MQTT_PINGRESP, MQTT_DISCONNECT, MQTT_AUTH
    }

    public boolean happenedBefore(TraceRecord other) {
        return sequence < other.sequence;
    }

    /** One readable line: {@code 12:00:00.123 <- ATTACH [0] /devices/d1/messages/events {name=..., ...}}. */
    public String toText() {
        String arrow = switch (direction) {
            case IN -> "<-";
            case OUT -> "->";
            case LOCAL -> "**";
        };
        return time + " " + arrow + " " + type + (channel >= 0 ? " [" + channel + "]" : "") + (path != null ? " " + path : "")
                + (fields.isEmpty() ? "" : " " + fields);
    }
}
