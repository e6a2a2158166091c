package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Sender;

/**
 * A module's {@code /devices/{id}/modules/{mid}/messages/devicebound} receiver: the Java device SDK's ModuleClient
 * attaches it with its telemetry link and IoT Hub lets it attach, but the hub keeps no cloud-to-device queue for
 * modules, so nothing is ever delivered on it.
 */
final class ModuleDeviceBoundLink extends LeasingSenderLink<Object> {
    ModuleDeviceBoundLink(LinkHost connection, Sender sender) {
        super(connection, sender);
    }

    @Override
    protected Object take() {
        return null;
    }

    @Override
    protected byte[] encode(Object item) {
        throw new IllegalStateException("nothing is delivered to modules");
    }

    @Override
    protected byte[] deliveryTag(Object item) {
        throw new IllegalStateException("nothing is delivered to modules");
    }

    @Override
    protected void settled(Object item, DeliveryState outcome) {
    }

    @Override
    protected void giveBack(Object item) {
    }

    @Override
    protected void listen(Runnable wake) {
    }

    @Override
    protected void unlisten(Runnable wake) {
    }
}
