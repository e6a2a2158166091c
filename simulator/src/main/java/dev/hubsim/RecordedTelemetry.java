package dev.hubsim;

import dev.hubsim.eventhub.StoredEvent;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.message.Message;

import java.util.Map;

/**
 * A device-to-cloud message as the hub stored it, with the annotations it stamped.
 *
 * @param message the full AMQP message as stored (properties, application properties, annotations, body)
 */
public record RecordedTelemetry(String deviceId, Message message) {

    /** Decodes a stored event. */
    static RecordedTelemetry of(StoredEvent event) {
        Message message = Proton.message();
        message.decode(event.encoded(), 0, event.encoded().length);
        return new RecordedTelemetry(event.deviceId(), message);
    }

    public Map<String, Object> annotations() {
        return message.getMessageAnnotations() == null ? Map.of() : stringKeys(message.getMessageAnnotations().getValue());
    }

    public Map<String, Object> applicationProperties() {
        return message.getApplicationProperties() == null ? Map.of() : message.getApplicationProperties().getValue();
    }

    /** The body bytes of a data section, or the UTF-8 of an AMQP value string. */
    public byte[] body() {
        return dev.hubsim.codec.Messages.body(message);
    }

    private static Map<String, Object> stringKeys(Map<org.apache.qpid.proton.amqp.Symbol, Object> map) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }
}
