package dev.hubsim.amqp.link;

import org.apache.qpid.proton.engine.Receiver;

/** {@code /devices/{id}/messages/events}: a device's telemetry sender, served by Artemis' receiver context ({@link TelemetryReceiver}). */
final class TelemetryLinks implements AttachHandler<HubPath.DeviceTelemetry> {
    @Override
    public HubPath.DeviceTelemetry match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.DeviceTelemetry t ? t : null;
    }

    @Override
    public Access access(HubPath.DeviceTelemetry path) {
        return new Access.Device(path.deviceId(), path.moduleId(), path.resource());
    }

    @Override
    public void open(Attach attach, HubPath.DeviceTelemetry path) throws Exception {
        attach.link().setSource(attach.link().getRemoteSource());
        attach.link().setTarget(attach.link().getRemoteTarget());
        attach.session().addReceiver((Receiver) attach.link(),
                (session, receiver) -> new TelemetryReceiver(attach.session().getSessionSPI(), attach.host(), attach.connection(), session, receiver, path));
    }
}
