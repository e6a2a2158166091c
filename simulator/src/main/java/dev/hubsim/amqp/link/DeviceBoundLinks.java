package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;

import org.apache.qpid.proton.engine.Sender;

/**
 * {@code /devices/{id}/messages/devicebound}: a device's cloud-to-device receiver ({@link DeviceBoundLink}); a module's
 * attaches and stays empty ({@link ModuleDeviceBoundLink}).
 */
final class DeviceBoundLinks implements AttachHandler<HubPath.DeviceBound> {
    @Override
    public HubPath.DeviceBound match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.DeviceBound b ? b : null;
    }

    @Override
    public Access access(HubPath.DeviceBound path) {
        return new Access.Device(path.deviceId(), path.moduleId(), path.resource());
    }

    @Override
    public Operation tierOperation() {
        return Operation.C2D_SEND;
    }

    @Override
    public void open(Attach attach, HubPath.DeviceBound path) {
        if (path.moduleId() != null) {
            ModuleDeviceBoundLink idle = new ModuleDeviceBoundLink(attach.host(), (Sender) attach.link());
            attach.adopt(idle);
            idle.open();
            return;
        }
        DeviceBoundLink link = new DeviceBoundLink(attach.host(), (Sender) attach.link(), attach.hub().c2d(), path.deviceId());
        attach.adopt(link);
        link.open();
    }
}
