package dev.hubsim.links;

import dev.hubsim.Hub;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ClaimSet;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Permission;

import java.time.Instant;
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

    public LinkDecision decide(HubPath path, ClaimSet claims, Instant now) {
        if (path instanceof HubPath.Cbs) {
            return new LinkDecision.Allowed(path, null);
        }
        if (path instanceof HubPath.DeviceTelemetry t) {
            return deviceLink(t, t.deviceId(), t.moduleId(), claims, now);
        }
        if (path instanceof HubPath.DeviceBound b) {
            return deviceLink(b, b.deviceId(), b.moduleId(), claims, now);
        }
        if (path instanceof HubPath.ServiceDeviceBound || path instanceof HubPath.ServiceFeedback || path instanceof HubPath.ServiceEvents
                || path instanceof HubPath.ServiceEventsManagement) {
            return claimed(path, Permission.SERVICE_CONNECT, claims, now);
        }
        return new LinkDecision.Refused(path, HubErrors.NOT_ALLOWED, HubErrors.unknownAddress(path.address()));
    }

    private LinkDecision deviceLink(HubPath path, String deviceId, String moduleId, ClaimSet claims, Instant now) {
        if (moduleId != null) {
            return new LinkDecision.Refused(path, HubErrors.NOT_ALLOWED, HubErrors.modulesNotSimulated(path.address()));
        }
        LinkDecision decision = claimed(path, Permission.DEVICE_CONNECT, claims, now);
        if (decision instanceof LinkDecision.Refused) {
            return decision;
        }
        Optional<Device> device = hub.registry().device(deviceId);
        if (device.isEmpty()) {
            return new LinkDecision.Refused(path, HubErrors.NOT_FOUND, HubErrors.unknownDevice(deviceId));
        }
        if (!device.get().enabled()) {
            return new LinkDecision.Refused(path, HubErrors.UNAUTHORIZED_ACCESS, HubErrors.deviceDisabled(deviceId));
        }
        return decision;
    }

    private LinkDecision claimed(HubPath path, Permission permission, ClaimSet claims, Instant now) {
        Optional<Claim> claim = claims.covering(permission, path.resource(), now);
        if (claim.isEmpty()) {
            return new LinkDecision.Refused(path, HubErrors.UNAUTHORIZED_ACCESS,
                    HubErrors.noClaim(path.address(), hub.primaryHostName() + path.resource().pathText()));
        }
        return new LinkDecision.Allowed(path, claim.get());
    }
}
