package dev.hubsim.amqp;

import dev.hubsim.trace.ConnectionLog;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslChallenge;
import org.apache.qpid.proton.amqp.security.SaslFrameBody;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.security.SaslMechanisms;
import org.apache.qpid.proton.amqp.security.SaslOutcome;
import org.apache.qpid.proton.amqp.security.SaslResponse;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.engine.impl.ProtocolTracer;
import org.apache.qpid.proton.framing.TransportFrame;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Proton-J's per-connection frame hook, turned into typed trace records. Link frames carry the link's address, found
 * from the handle each side chose at attach. Runs on the connection's event loop.
 */
final class FrameTracer implements ProtocolTracer {
    private final ConnectionLog trace;
    /** (channel, handle) of links as the client numbers them, and as the hub does. */
    private final Map<Long, String> inPaths = new HashMap<>();
    private final Map<Long, String> outPaths = new HashMap<>();

    FrameTracer(ConnectionLog trace) {
        this.trace = trace;
    }

    @Override
    public void receivedFrame(TransportFrame frame) {
        record(TraceRecord.Direction.IN, frame.getChannel(), frame.getBody(), frame.getPayload());
    }

    @Override
    public void sentFrame(TransportFrame frame) {
        record(TraceRecord.Direction.OUT, frame.getChannel(), frame.getBody(), frame.getPayload());
    }

    @Override
    public void receivedSaslBody(SaslFrameBody body) {
        sasl(TraceRecord.Direction.IN, body);
    }

    @Override
    public void sentSaslBody(SaslFrameBody body) {
        sasl(TraceRecord.Direction.OUT, body);
    }

    @Override
    public void receivedHeader(String header) {
        header(TraceRecord.Direction.IN, header);
    }

    @Override
    public void sentHeader(String header) {
        header(TraceRecord.Direction.OUT, header);
    }

    private void header(TraceRecord.Direction direction, String header) {
        TraceRecord.FrameType type = header.contains("SASL") ? TraceRecord.FrameType.SASL_HEADER : TraceRecord.FrameType.AMQP_HEADER;
        trace.record(direction, type, -1, null, Map.of("header", header));
    }

    private void sasl(TraceRecord.Direction direction, SaslFrameBody body) {
        Map<String, Object> f = new LinkedHashMap<>();
        TraceRecord.FrameType type;
        if (body instanceof SaslMechanisms m) {
            type = TraceRecord.FrameType.SASL_MECHANISMS;
            f.put("mechanisms", Arrays.stream(m.getSaslServerMechanisms()).map(Symbol::toString).toList());
        } else if (body instanceof SaslInit i) {
            type = TraceRecord.FrameType.SASL_INIT;
            f.put("mechanism", String.valueOf(i.getMechanism()));
            putIfSet(f, "hostname", i.getHostname());
        } else if (body instanceof SaslOutcome o) {
            type = TraceRecord.FrameType.SASL_OUTCOME;
            f.put("code", o.getCode().name());
        } else if (body instanceof SaslChallenge) {
            type = TraceRecord.FrameType.SASL_CHALLENGE;
        } else if (body instanceof SaslResponse) {
            type = TraceRecord.FrameType.SASL_RESPONSE;
        } else {
            return;
        }
        trace.record(direction, type, -1, null, f);
    }

    private void record(TraceRecord.Direction direction, int channel, FrameBody body, Binary payload) {
        Map<Long, String> paths = direction == TraceRecord.Direction.IN ? inPaths : outPaths;
        // The per-message frames: a few values copied now, the field map built when the trace is read.
        if (body instanceof Transfer t) {
            trace.record(direction, TraceRecord.FrameType.TRANSFER, channel, paths.get(key(channel, t.getHandle().longValue())),
                    CompactFrames.transfer(t, payload));
            return;
        }
        if (body instanceof Flow fl) {
            String linkPath = fl.getHandle() == null ? null : paths.get(key(channel, fl.getHandle().longValue()));
            trace.record(direction, TraceRecord.FrameType.FLOW, channel, linkPath, CompactFrames.flow(fl));
            return;
        }
        if (body instanceof Disposition d) {
            trace.record(direction, TraceRecord.FrameType.DISPOSITION, channel, null, CompactFrames.disposition(d));
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        TraceRecord.FrameType type;
        String path = null;
        if (body == null) {
            type = TraceRecord.FrameType.EMPTY;
        } else if (body instanceof Open o) {
            type = TraceRecord.FrameType.OPEN;
            f.put("container-id", o.getContainerId());
            putIfSet(f, "hostname", o.getHostname());
            putIfSet(f, "max-frame-size", o.getMaxFrameSize());
            putIfSet(f, "channel-max", o.getChannelMax());
            putIfSet(f, "idle-time-out", o.getIdleTimeOut());
        } else if (body instanceof Begin b) {
            type = TraceRecord.FrameType.BEGIN;
            putIfSet(f, "remote-channel", b.getRemoteChannel());
            putIfSet(f, "incoming-window", b.getIncomingWindow());
            putIfSet(f, "outgoing-window", b.getOutgoingWindow());
            putIfSet(f, "handle-max", b.getHandleMax());
        } else if (body instanceof Attach a) {
            type = TraceRecord.FrameType.ATTACH;
            String source = a.getSource() instanceof Source s ? s.getAddress() : null;
            String target = a.getTarget() instanceof Target t ? t.getAddress() : null;
            // The link's address: the target of a sending end, the source of a receiving end.
            path = a.getRole() == Role.SENDER ? (target != null ? target : source) : (source != null ? source : target);
            paths.put(key(channel, a.getHandle().longValue()), path);
            f.put("name", a.getName());
            f.put("handle", a.getHandle().longValue());
            f.put("role", a.getRole() == Role.SENDER ? "sender" : "receiver");
            f.put("source", a.getSource() == null ? null : source);
            f.put("target", a.getTarget() == null ? null : target);
            putIfSet(f, "snd-settle-mode", a.getSndSettleMode());
            putIfSet(f, "rcv-settle-mode", a.getRcvSettleMode());
            putIfSet(f, "max-message-size", a.getMaxMessageSize());
            if (a.getProperties() != null) {
                f.put("properties", stringKeys(a.getProperties()));
            }
        } else if (body instanceof Detach d) {
            type = TraceRecord.FrameType.DETACH;
            f.put("handle", d.getHandle().longValue());
            f.put("closed", d.getClosed());
            error(f, d.getError());
            path = paths.remove(key(channel, d.getHandle().longValue()));
        } else if (body instanceof End e) {
            type = TraceRecord.FrameType.END;
            error(f, e.getError());
        } else if (body instanceof Close c) {
            type = TraceRecord.FrameType.CLOSE;
            error(f, c.getError());
        } else {
            return;
        }
        trace.record(direction, type, channel, path, f);
    }

    private static long key(int channel, long handle) {
        return (long) channel << 32 | handle;
    }

    private static void error(Map<String, Object> f, ErrorCondition error) {
        if (error != null && error.getCondition() != null) {
            f.put("condition", error.getCondition().toString());
            putIfSet(f, "description", error.getDescription());
            if (error.getInfo() != null) {
                f.put("info", stringKeys(error.getInfo()));
            }
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Symbol || v instanceof Binary ? String.valueOf(v) : v));
        return out;
    }

    private static void putIfSet(Map<String, Object> f, String name, Object value) {
        if (value != null) {
            f.put(name, value instanceof Number || value instanceof Boolean || value instanceof String ? value : String.valueOf(value));
        }
    }
}
