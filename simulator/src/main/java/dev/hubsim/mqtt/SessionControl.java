package dev.hubsim.mqtt;

import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.connections.HubConnection;
import dev.hubsim.trace.TraceRecord;
import io.netty.channel.ChannelOption;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What faults, registry changes and the control API do to an MQTT connection. MQTT has no close condition: a protocol
 * close is a closed socket, with the condition in the log line and the trace. Any thread.
 */
final class SessionControl implements HubConnection {
    private final DeviceSession session;

    SessionControl(DeviceSession session) {
        this.session = session;
    }

    @Override
    public String id() {
        return session.trace.connectionId();
    }

    @Override
    public Set<String> identities() {
        return session.trace.identities();
    }

    @Override
    public ConnectionInfo describe() {
        return new ConnectionInfo(id(), session.trace.remoteAddress(), identities(), session.claims.size(), session.claims.timers(), List.of());
    }

    @Override
    public void reset() {
        session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null, Map.of("fault", "connection reset"));
        session.channel.config().setOption(ChannelOption.SO_LINGER, 0);
        session.channel.close();
    }

    @Override
    public void close(String condition, String description) {
        session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null,
                Map.of("fault", "connection closed", "condition", String.valueOf(condition)));
        session.channel.eventLoop().execute(() -> session.violation("closed by the hub (" + condition + "): " + description));
    }

    @Override
    public void expireClaims(String why) {
        session.channel.eventLoop().execute(() -> {
            session.trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null, Map.of("fault", "claims expired now"));
            session.claims.expireAll(why);
        });
    }

    @Override
    public void revokeDevice(String deviceId, String why) {
        session.claims.revokeDevice(deviceId, why);
    }

    @Override
    public void revokeModule(String deviceId, String moduleId, String why) {
        session.claims.revokeModule(deviceId, moduleId, why);
    }

    /** MQTT has no link credit: nothing to change. */
    @Override
    public int changeCredit(Predicate<String> address, String tracePath, int credit, boolean set) {
        return 0;
    }
}
