package dev.hubsim.auth;

import dev.hubsim.Hub;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Checks SAS tokens the way the hub does (reference/iothub-amqp.md §1): HMAC over the literal {@code sr} and
 * {@code se}, primary key then secondary key, expiry with a clock-skew allowance, and scope by path segment.
 */
public final class TokenValidator {
    /** Edge Hub's wording (reference/iothub-amqp.md §1.2). */
    public static final String INVALID_SIGNATURE =
            "The specified SAS token has an invalid signature. It does not match either the primary or secondary key.";
    public static final String EXPIRED = "The specified SAS token has expired.";

    private final Hub hub;
    private final Duration clockSkew;
    private final Clock clock;

    public TokenValidator(Hub hub, Duration clockSkew, Clock clock) {
        this.hub = hub;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** Validates a token presented for {@code audienceText} (a CBS {@code name}); null audience means the token's own scope. */
    public TokenVerdict validate(String tokenText, String audienceText, Claim.Method method) {
        SasToken token;
        try {
            token = SasToken.parse(tokenText);
        } catch (SasToken.MalformedTokenException e) {
            return new TokenVerdict.Refused(401, "The SAS token is malformed: " + e.getMessage() + ".");
        }
        return validate(token, audienceText, method);
    }

    public TokenVerdict validate(SasToken token, String audienceText, Claim.Method method) {
        ResourceUri sr = ResourceUri.parse(token.resourceUri());
        if (!hub.answersTo(sr.host())) {
            return refused("The SAS token's sr host '" + sr.host() + "' is not a host name of hub '" + hub.name()
                    + "' (expected one of " + hub.hostNames() + ").");
        }
        ResourceUri audience = audienceText == null ? sr : ResourceUri.parse(audienceText);
        if (!hub.answersTo(audience.host())) {
            return refused("The audience host '" + audience.host() + "' is not a host name of hub '" + hub.name()
                    + "' (expected one of " + hub.hostNames() + ").");
        }
        if (!sr.covers(audience)) {
            return refused("The audience '" + audience + "' is outside the token's scope '" + sr + "'.");
        }

        Set<Permission> permissions;
        Claim.Kind kind;
        String identity;
        String generationId = null;
        String primaryKey;
        String secondaryKey;
        Device device = null;
        if (token.keyName() != null) {
            Optional<SharedAccessPolicy> policy = hub.registry().policy(token.keyName());
            if (policy.isEmpty()) {
                return refused("The SAS token names shared access policy '" + token.keyName() + "', which hub '"
                        + hub.name() + "' does not have.");
            }
            kind = Claim.Kind.POLICY;
            identity = policy.get().name();
            permissions = policy.get().permissions();
            primaryKey = policy.get().primaryKey();
            secondaryKey = policy.get().secondaryKey();
        } else {
            if (sr.isHubRoot()) {
                return refused("A hub-scoped SAS token (sr '" + sr + "') must name its shared access policy in 'skn'.");
            }
            String deviceId = sr.deviceId();
            if (deviceId == null || sr.segments().size() != 2 && sr.moduleId() == null) {
                return refused("The SAS token's sr '" + sr + "' names neither the hub nor a device, and has no 'skn'.");
            }
            if (sr.moduleId() != null) {
                return refused("The SAS token is for module '" + deviceId + "/" + sr.moduleId()
                        + "', which hub '" + hub.name() + "' does not have.");
            }
            Optional<Device> found = hub.registry().device(deviceId);
            if (found.isEmpty()) {
                return refused("The SAS token is for device '" + deviceId + "', which hub '" + hub.name() + "' does not have.");
            }
            device = found.get();
            kind = Claim.Kind.DEVICE_KEY;
            identity = deviceId;
            generationId = device.generationId();
            // A device key grants DeviceConnect for that device only; the scope check below keeps it there.
            permissions = Set.of(Permission.DEVICE_CONNECT);
            primaryKey = device.primaryKey();
            secondaryKey = device.secondaryKey();
        }

        if (!SasTokens.signedWith(token, primaryKey) && !SasTokens.signedWith(token, secondaryKey)) {
            return refused(INVALID_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(token.expirySeconds()).plus(clockSkew);
        Instant now = clock.instant();
        if (now.isAfter(expiresAt)) {
            return refused(EXPIRED + " Its se is " + Instant.ofEpochSecond(token.expirySeconds()) + ", it is now "
                    + now + ", and the hub allows " + clockSkew.toSeconds() + " s of clock skew.");
        }
        if (device != null && !device.enabled()) {
            return refused("Device '" + device.deviceId() + "' is disabled.");
        }
        return new TokenVerdict.Granted(new Claim(audience, ResourceUri.path(audience.segments().toArray(String[]::new)),
                identity, kind, permissions, expiresAt, method, generationId));
    }

    public Clock clock() {
        return clock;
    }

    private static TokenVerdict.Refused refused(String description) {
        return new TokenVerdict.Refused(401, description);
    }
}
