package dev.hubsim.amqp.link;

import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.codec.DeviceBoundMessage;
import dev.hubsim.c2d.Lease;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's {@code /devices/{id}/messages/devicebound} receiver: Accepted completes, Rejected dead-letters,
 * Released and Modified abandon (reference/iothub-amqp.md §7.4; Modified as abandon is our reading, the hub's is
 * unconfirmed). A delivery settled without an outcome counts as Accepted.
 */
final class DeviceBoundLink extends LeasingSenderLink<Lease> {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBoundLink.class);

    private final CloudToDevice c2d;
    private final String deviceId;

    DeviceBoundLink(LinkHost connection, Sender sender, CloudToDevice c2d, String deviceId) {
        super(connection, sender);
        this.c2d = c2d;
        this.deviceId = deviceId;
    }

    @Override
    protected Lease take() {
        return c2d.lease(deviceId);
    }

    @Override
    protected byte[] encode(Lease lease) {
        return C2dDepartures.deviceBound(DeviceBoundMessage.render(lease), connection.hub().deviations());
    }

    @Override
    protected byte[] deliveryTag(Lease lease) {
        return C2dDepartures.deliveryTag(DeviceBoundMessage.deliveryTag(lease.lockToken()), lease.lockToken(), connection.hub().deviations());
    }

    @Override
    protected void settled(Lease lease, DeliveryState outcome) {
        CloudToDevice.Settled result;
        if (outcome == null || outcome instanceof Accepted) {
            result = c2d.complete(lease);
        } else if (outcome instanceof Rejected) {
            result = c2d.reject(lease);
        } else if (outcome instanceof Released || outcome instanceof Modified) {
            result = c2d.abandon(lease);
        } else {
            LOG.info("device '{}' settled message {} with unsupported outcome {}; abandoning it", deviceId, lease.lockToken(), outcome);
            result = c2d.abandon(lease);
        }
        if (result == CloudToDevice.Settled.LOCK_LOST) {
            LOG.info("device '{}' settled message {} after its lock expired; the outcome is ignored", deviceId, lease.lockToken());
        }
    }

    @Override
    protected void giveBack(Lease lease) {
        c2d.release(lease);
    }

    @Override
    protected void listen(Runnable wake) {
        c2d.addListener(deviceId, wake);
    }

    @Override
    protected void unlisten(Runnable wake) {
        c2d.removeListener(deviceId, wake);
    }
}
