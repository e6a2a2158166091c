package dev.hubsim.amqp.link;

import dev.hubsim.faults.Deviation;
import dev.hubsim.twin.DesiredPatch;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Twin messages on the wire (reference/iothub-twin-methods-mqtt.md §1.2, §1.4, §1.5): requests carry the annotations
 * {@code operation} and {@code resource}; responses echo the request's {@code correlation-id} as the same object (so
 * the same AMQP type), with {@code status} as int, {@code version} as long when there is one, and at most one Data
 * section; pushes have no correlation-id, {@code resource} = {@code /properties/desired}, {@code version} and the patch.
 */
final class TwinMessages {
    static final Symbol OPERATION = Symbol.valueOf("operation");
    static final Symbol RESOURCE = Symbol.valueOf("resource");
    static final Symbol STATUS = Symbol.valueOf("status");
    static final Symbol VERSION = Symbol.valueOf("version");
    static final String REPORTED = "/properties/reported";
    static final String DESIRED = "/properties/desired";
    static final String NOTIFICATIONS = "/notifications/twin/properties/desired";

    private TwinMessages() {
    }

    static String annotation(Message m, Symbol key) {
        MessageAnnotations a = m.getMessageAnnotations();
        Object v = a == null || a.getValue() == null ? null : a.getValue().get(key);
        return v == null ? null : v.toString();
    }

    /** Whether the annotation is present with a null value (.NET's PATCH carries {@code version} so). */
    static boolean hasNullAnnotation(Message m, Symbol key) {
        MessageAnnotations a = m.getMessageAnnotations();
        return a != null && a.getValue() != null && a.getValue().containsKey(key) && a.getValue().get(key) == null;
    }

    /** The request's body bytes: none, one Data section, or an AmqpValue string or binary. */
    static byte[] body(Message m) {
        if (m.getBody() instanceof Data data && data.getValue() != null) {
            return data.getValue().getArray().length == data.getValue().getLength() && data.getValue().getArrayOffset() == 0
                    ? data.getValue().getArray() : java.util.Arrays.copyOfRange(data.getValue().getArray(), data.getValue().getArrayOffset(),
                    data.getValue().getArrayOffset() + data.getValue().getLength());
        }
        if (m.getBody() instanceof AmqpValue value) {
            if (value.getValue() instanceof String s) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
            if (value.getValue() instanceof Binary b) {
                return java.util.Arrays.copyOfRange(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
            }
        }
        return new byte[0];
    }

    static Message response(Object correlationId, int status, Long version, byte[] body, Set<Deviation> deviations) {
        Message m = Proton.message();
        m.setCorrelationId(deviations.contains(Deviation.TWIN_CORRELATION_ID_AS_STRING) && correlationId != null
                ? correlationId.toString() : correlationId);
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(STATUS, deviations.contains(Deviation.TWIN_STATUS_AS_LONG) ? (Object) Long.valueOf(status) : Integer.valueOf(status));
        if (version != null) {
            annotations.put(VERSION, version);
        }
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        if (body != null) {
            m.setBody(new Data(new Binary(body)));
        }
        return m;
    }

    static Message push(DesiredPatch patch, Set<Deviation> deviations) {
        Message m = Proton.message();
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(RESOURCE, DESIRED);
        annotations.put(VERSION, patch.version());
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        var body = patch.bodyCopy();
        if (deviations.contains(Deviation.TWIN_PUSH_WITHOUT_VERSION)) {
            body.remove("$version");
        }
        m.setBody(new Data(new Binary(body.toString().getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    /** The error body: {@code {"errorCode":...,"message":...}} (never an empty Data section, which Node cannot parse). */
    static byte[] error(int errorCode, String message) {
        var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        node.put("errorCode", errorCode);
        node.put("message", message);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
