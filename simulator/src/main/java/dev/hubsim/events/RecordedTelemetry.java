package dev.hubsim.events;

import org.apache.qpid.proton.message.Message;

import java.util.Map;

/**
 * A device-to-cloud message as the hub stored it, with the annotations it stamped.
 *
 * @param message the full AMQP message as stored (properties, application properties, annotations, body)
 */
public record RecordedTelemetry(String deviceId, Message message) {

    public Map<String, Object> annotations() {
        return message.getMessageAnnotations() == null ? Map.of() : stringKeys(message.getMessageAnnotations().getValue());
    }

    public Map<String, Object> applicationProperties() {
        return message.getApplicationProperties() == null ? Map.of() : message.getApplicationProperties().getValue();
    }

    /** The body bytes of a data section, or the UTF-8 of an AMQP value string. */
    public byte[] body() {
        if (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.Data data) {
            return data.getValue().getArray().length == data.getValue().getLength() && data.getValue().getArrayOffset() == 0
                    ? data.getValue().getArray() : java.util.Arrays.copyOfRange(data.getValue().getArray(),
                    data.getValue().getArrayOffset(), data.getValue().getArrayOffset() + data.getValue().getLength());
        }
        if (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.AmqpValue v && v.getValue() instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    private static Map<String, Object> stringKeys(Map<org.apache.qpid.proton.amqp.Symbol, Object> map) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }
}
