package dev.hubsim.amqp.link;

import dev.hubsim.codec.DeviceBoundMessage;
import dev.hubsim.codec.Messages;
import dev.hubsim.faults.Deviation;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Cloud-to-device deliveries and feedback as a departing hub sends them (test-only, see {@link Deviation}). */
final class C2dDepartures {
    private C2dDepartures() {
    }

    static byte[] deviceBound(byte[] documented, Set<Deviation> deviations) {
        if (!deviations.contains(Deviation.DELIVERY_COUNT_AS_UINT) && !deviations.contains(Deviation.DELIVERY_COUNT_NOT_RAISED)
                && !deviations.contains(Deviation.C2D_SUBJECT_DROPPED)) {
            return documented;
        }
        Message m = Messages.decode(documented);
        Map<Symbol, Object> a = new HashMap<>(m.getMessageAnnotations().getValue());
        Object count = a.get(DeviceBoundMessage.DELIVERY_COUNT);
        if (deviations.contains(Deviation.DELIVERY_COUNT_NOT_RAISED)) {
            a.put(DeviceBoundMessage.DELIVERY_COUNT, UnsignedByte.valueOf((byte) 0));
        }
        if (deviations.contains(Deviation.DELIVERY_COUNT_AS_UINT) && count instanceof UnsignedByte b) {
            a.put(DeviceBoundMessage.DELIVERY_COUNT, UnsignedInteger.valueOf(b.intValue()));
        }
        m.setMessageAnnotations(new MessageAnnotations(a));
        if (deviations.contains(Deviation.C2D_SUBJECT_DROPPED) && m.getProperties() != null) {
            m.getProperties().setSubject(null);
        }
        return Messages.encode(m);
    }

    static byte[] deliveryTag(byte[] documented, UUID lockToken, Set<Deviation> deviations) {
        if (!deviations.contains(Deviation.LOCK_TOKEN_BIG_ENDIAN)) {
            return documented;
        }
        return ByteBuffer.allocate(16).putLong(lockToken.getMostSignificantBits()).putLong(lockToken.getLeastSignificantBits()).array();
    }

    /** A feedback message with its status or content type departing. */
    static byte[] feedback(byte[] documented, Set<Deviation> deviations) {
        if (!deviations.contains(Deviation.FEEDBACK_SUCCESS_AS_COMPLETED) && !deviations.contains(Deviation.FEEDBACK_PLAIN_JSON_CONTENT_TYPE)) {
            return documented;
        }
        Message m = Messages.decode(documented);
        if (deviations.contains(Deviation.FEEDBACK_PLAIN_JSON_CONTENT_TYPE)) {
            m.setContentType("application/json");
        }
        if (deviations.contains(Deviation.FEEDBACK_SUCCESS_AS_COMPLETED)) {
            String json = new String(Messages.body(m), java.nio.charset.StandardCharsets.UTF_8).replace("\"Success\"", "\"Completed\"");
            m.setBody(new org.apache.qpid.proton.amqp.messaging.Data(new org.apache.qpid.proton.amqp.Binary(
                    json.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
        return Messages.encode(m);
    }
}
