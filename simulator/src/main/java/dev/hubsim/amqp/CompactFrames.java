package dev.hubsim.amqp;

import dev.hubsim.trace.FrameFields;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-message frames (transfer, flow, disposition) as the trace keeps them: their values copied out of Proton's
 * frame objects (which Proton reuses for the frames it sends), expanded into the trace's field map only when read.
 */
final class CompactFrames {
    private CompactFrames() {
    }

    static FrameFields transfer(Transfer t, Binary payload) {
        Binary tag = t.getDeliveryTag();
        return new TransferFields(t.getHandle().longValue(), t.getDeliveryId(),
                tag == null ? null : Arrays.copyOfRange(tag.getArray(), tag.getArrayOffset(), tag.getArrayOffset() + tag.getLength()),
                Boolean.TRUE.equals(t.getSettled()), t.getMore(), t.getAborted(), payload == null ? 0 : payload.getLength());
    }

    static FrameFields flow(Flow f) {
        return new FlowFields(f.getHandle() == null ? -1 : f.getHandle().longValue(), f.getDeliveryCount(), f.getLinkCredit(), f.getDrain(),
                f.getIncomingWindow());
    }

    static FrameFields disposition(Disposition d) {
        return new DispositionFields(d.getRole() == Role.SENDER, d.getFirst().longValue(), d.getLast(), d.getSettled(),
                d.getState() == null ? null : d.getState().getType().name());
    }

    private record TransferFields(long handle, UnsignedInteger deliveryId, byte[] tag, boolean settled, boolean more, boolean aborted,
                                  int payloadBytes) implements FrameFields {
        @Override
        public Map<String, Object> expand() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("handle", handle);
            putIfSet(f, "delivery-id", deliveryId);
            if (tag != null) {
                f.put("delivery-tag", hex(tag));
            }
            f.put("settled", settled);
            f.put("more", more);
            if (aborted) {
                f.put("aborted", true);
            }
            f.put("payload-bytes", payloadBytes);
            return f;
        }
    }

    /** @param handle -1 for a session-only flow */
    private record FlowFields(long handle, UnsignedInteger deliveryCount, UnsignedInteger linkCredit, boolean drain,
                              UnsignedInteger incomingWindow) implements FrameFields {
        @Override
        public Map<String, Object> expand() {
            Map<String, Object> f = new LinkedHashMap<>();
            if (handle >= 0) {
                f.put("handle", handle);
                putIfSet(f, "delivery-count", deliveryCount);
                putIfSet(f, "link-credit", linkCredit);
            }
            f.put("drain", drain);
            putIfSet(f, "incoming-window", incomingWindow);
            return f;
        }
    }

    private record DispositionFields(boolean sender, long first, UnsignedInteger last, boolean settled, String state) implements FrameFields {
        @Override
        public Map<String, Object> expand() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("role", sender ? "sender" : "receiver");
            f.put("first", first);
            putIfSet(f, "last", last);
            f.put("settled", settled);
            if (state != null) {
                f.put("state", state);
            }
            return f;
        }
    }

    private static void putIfSet(Map<String, Object> f, String name, Object value) {
        if (value != null) {
            f.put(name, value);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.forDigit(b >> 4 & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
