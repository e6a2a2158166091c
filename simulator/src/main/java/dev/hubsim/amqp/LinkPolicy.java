package dev.hubsim.amqp;

import dev.hubsim.registry.Hub;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.errors.Condition;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Permission;

import java.util.Optional;

/**
 * Which claim a link needs (reference/iothub-amqp.md §1.4): device paths need DeviceConnect over that device,
 * service paths need ServiceConnect at hub scope; {@code $cbs} needs nothing.
 */
public final class LinkPolicy {
    private final Hub hub;

    public LinkPolicy(Hub hub) {
        this.hub = hub;
    }

    public LinkDecision decide(HubPath path, ConnectionClaims claims) {
        if (path instanceof HubPath.Cbs) {
            return new LinkDecision.Allowed(path, null);
        }
        if (path instanceof HubPath.DeviceTelemetry t) {
            return deviceLink(t, t.deviceId(), t.moduleId(), claims);
        }
        if (path instanceof HubPath.DeviceBound b) {
            return deviceLink(b, b.deviceId(), b.moduleId(), claims);
        }
        if (path instanceof HubPath.ServiceDeviceBound || path instanceof HubPath.ServiceFeedback || path instanceof HubPath.ServiceEvents
                || path instanceof HubPath.ServiceEventsManagement) {
            return claimed(path, Permission.SERVICE_CONNECT, claims);
        }
        return new LinkDecision.Refused(path, Condition.NOT_ALLOWED, AmqpErrors.unknownAddress(path.address()));
    }

    private LinkDecision deviceLink(HubPath path, String deviceId, String moduleId, ConnectionClaims claims) {
        if (moduleId != null) {
            return new LinkDecision.Refused(path, Condition.NOT_ALLOWED, AmqpErrors.modulesNotSimulated(path.address()));
        }
        LinkDecision decision = claimed(path, Permission.DEVICE_CONNECT, claims);
        if (decision instanceof LinkDecision.Refused) {
            return decision;
        }
        Optional<Device> device = hub.registry().device(deviceId);
        if (device.isEmpty()) {
            return new LinkDecision.Refused(path, Condition.NOT_FOUND, HubErrors.unknownDevice(deviceId));
        }
        if (!device.get().enabled()) {
            return new LinkDecision.Refused(path, Condition.UNAUTHORIZED_ACCESS, HubErrors.deviceDisabled(deviceId));
        }
        return decision;
    }

    private LinkDecision claimed(HubPath path, Permission permission, ConnectionClaims claims) {
        Optional<Claim> claim = claims.covering(ConnectionClaims.Endpoint.HUB, permission, path.resource());
        if (claim.isEmpty()) {
            return new LinkDecision.Refused(path, Condition.UNAUTHORIZED_ACCESS,
                    AmqpErrors.noClaim(path.address(), hub.primaryHostName() + path.resource().pathText()));
        }
        return new LinkDecision.Allowed(path, claim.get());
    }
}
