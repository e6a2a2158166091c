package dev.hubsim.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hubsim.codec.Messages;
import dev.hubsim.eventhub.StoredEvent;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A stored telemetry event as JSON for people: message ID, the stamped annotations, application properties, body. */
public final class TelemetryJson {
    private TelemetryJson() {
    }

    public static ObjectNode of(ObjectMapper mapper, StoredEvent event) {
        Message m = Messages.decode(event.encoded());
        ObjectNode n = mapper.createObjectNode();
        n.put("deviceId", event.deviceId());
        n.put("messageId", m.getMessageId() == null ? null : String.valueOf(m.getMessageId()));
        ObjectNode annotations = n.putObject("annotations");
        if (m.getMessageAnnotations() != null) {
            m.getMessageAnnotations().getValue().forEach((k, v) -> annotations.put(k.toString(),
                    v instanceof java.util.Date d ? d.toInstant().toString() : String.valueOf(v)));
        }
        ObjectNode props = n.putObject("applicationProperties");
        if (m.getApplicationProperties() != null) {
            m.getApplicationProperties().getValue().forEach((k, v) -> props.put(k, String.valueOf(v)));
        }
        byte[] body = Messages.body(m);
        n.put("body", new String(body, StandardCharsets.UTF_8));
        n.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        return n;
    }
}
