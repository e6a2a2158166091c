package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;

import org.apache.qpid.proton.engine.Receiver;

/** {@code /messages/devicebound}: the service's cloud-to-device sender ({@link ServiceDeviceBoundLink}). */
final class ServiceDeviceBoundLinks implements AttachHandler<HubPath.ServiceDeviceBound> {
    @Override
    public HubPath.ServiceDeviceBound match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.ServiceDeviceBound s ? s : null;
    }

    @Override
    public Access access(HubPath.ServiceDeviceBound path) {
        return new Access.Service(path.resource());
    }

    @Override
    public Operation tierOperation() {
        return Operation.C2D_SEND;
    }

    @Override
    public void open(Attach attach, HubPath.ServiceDeviceBound path) {
        ServiceDeviceBoundLink link = new ServiceDeviceBoundLink(attach.host(), (Receiver) attach.link(), attach.hub().c2d());
        attach.adopt(link);
        link.open();
    }
}
