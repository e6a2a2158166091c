package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.errors.Condition;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Permission;

import java.util.Optional;

/**
 * Whether an attach's {@link Access} is met by the connection's hub claims (reference/iothub-amqp.md §1.4): device
 * paths need DeviceConnect over that device and a registered, enabled device; service paths need ServiceConnect at
 * hub scope; {@code $cbs} needs nothing.
 */
final class LinkPolicy {
    private final Hub hub;

    public LinkPolicy(Hub hub) {
        this.hub = hub;
    }

    LinkDecision decide(Access access, String address, ConnectionClaims claims) {
        if (access instanceof Access.Device device) {
            return deviceLink(device, address, claims);
        }
        if (access instanceof Access.AnyDevice) {
            return claims.held(ConnectionClaims.Endpoint.HUB).stream().filter(c -> c.permissions().contains(Permission.DEVICE_CONNECT))
                    .findFirst().<LinkDecision>map(LinkDecision.Allowed::new)
                    .orElseGet(() -> new LinkDecision.Refused(Condition.UNAUTHORIZED_ACCESS, AmqpErrors.noDeviceClaim(address)));
        }
        if (access instanceof Access.Service service) {
            return claimed(Permission.SERVICE_CONNECT, service.resource(), address, claims);
        }
        return new LinkDecision.Allowed(null);
    }

    /** An address no kind serves: Edge Hub's text (reference/iothub-amqp.md §4.7). */
    static LinkDecision.Refused unknown(String address) {
        return new LinkDecision.Refused(Condition.NOT_ALLOWED, AmqpErrors.unknownAddress(address));
    }

    private LinkDecision deviceLink(Access.Device access, String address, ConnectionClaims claims) {
        LinkDecision decision = claimed(Permission.DEVICE_CONNECT, access.resource(), address, claims);
        if (decision instanceof LinkDecision.Refused) {
            return decision;
        }
        Optional<Device> device = hub.registry().device(access.deviceId());
        if (device.isEmpty()) {
            return new LinkDecision.Refused(Condition.NOT_FOUND, HubErrors.unknownDevice(access.deviceId()));
        }
        if (!device.get().enabled()) {
            return new LinkDecision.Refused(Condition.UNAUTHORIZED_ACCESS, HubErrors.deviceDisabled(access.deviceId()));
        }
        if (access.moduleId() != null && hub.registry().modules().module(access.deviceId(), access.moduleId()).isEmpty()) {
            return new LinkDecision.Refused(Condition.NOT_FOUND, HubErrors.unknownModule(access.deviceId(), access.moduleId()));
        }
        return decision;
    }

    private LinkDecision claimed(Permission permission, ResourceUri resource, String address, ConnectionClaims claims) {
        Optional<Claim> claim = claims.covering(ConnectionClaims.Endpoint.HUB, permission, resource);
        if (claim.isEmpty()) {
            return new LinkDecision.Refused(Condition.UNAUTHORIZED_ACCESS, AmqpErrors.noClaim(address, hub.primaryHostName() + resource.pathText()));
        }
        return new LinkDecision.Allowed(claim.get());
    }
}
