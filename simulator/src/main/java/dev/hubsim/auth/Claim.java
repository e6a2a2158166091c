package dev.hubsim.auth;

import dev.hubsim.registry.Permission;

import java.time.Instant;
import java.util.Set;

/**
 * What a validated token grants on one connection: the permissions, over the paths under {@code scope}, until
 * {@code expiresAt} (the token's {@code se} plus the clock-skew allowance).
 *
 * @param audience     the audience the client asked for (CBS {@code name}, or the token's {@code sr} for SASL PLAIN)
 * @param scope        the hub paths the claim covers (the audience's path)
 * @param identity     who signed: a device ID or a policy name
 * @param method       how the claim was obtained, for the {@code iothub-connection-auth-method} annotation
 * @param generationId the device's generation ID for device-key claims, else null
 */
public record Claim(ResourceUri audience, ResourceUri scope, String identity, Kind kind, Set<Permission> permissions,
                    Instant expiresAt, Method method, String generationId) {

    /** Who signed: a device's key, a module's key, or a shared access policy. */
    public enum Kind { DEVICE_KEY, MODULE_KEY, POLICY }

    public enum Method { CBS, SASL_PLAIN }

    public Claim {
        permissions = Set.copyOf(permissions);
    }

    /**
     * True when this claim lets its holder use {@code resource} now. A device key's claim does not reach the device's
     * modules although its path is a prefix of theirs: a module is an identity of its own, signed with its own key
     * (issue 15: "a device claim opens only that device's twin and methods links; a module claim only that module's").
     */
    public boolean grants(Permission permission, ResourceUri resource, Instant now) {
        if (kind == Kind.DEVICE_KEY && resource.moduleId() != null) {
            return false;
        }
        return permissions.contains(permission) && scope.covers(resource) && !now.isAfter(expiresAt);
    }

    /** The JSON the hub stamps as {@code iothub-connection-auth-method} (reference/iothub-amqp.md §6.1). */
    public String authMethodJson() {
        return kind == Kind.POLICY && scope.isHubRoot() ? HUB_AUTH : scope.moduleId() != null ? MODULE_AUTH : DEVICE_AUTH;
    }

    // The three stamps there are, made once: telemetry asks for one per message.
    private static final String HUB_AUTH = authMethodJson("hub");
    private static final String MODULE_AUTH = authMethodJson("module");
    private static final String DEVICE_AUTH = authMethodJson("device");

    private static String authMethodJson(String scopeName) {
        return "{\"scope\":\"" + scopeName + "\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
    }
}
