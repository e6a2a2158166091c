package dev.hubsim.auth;

import dev.hubsim.errors.HubErrors;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Module;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks SAS tokens the way the hub does (reference/iothub-amqp.md §1): parse, scope by path segment, the signer,
 * HMAC over the literal {@code sr} and {@code se} with the primary key then the secondary key, expiry with a clock-skew
 * allowance. One pipeline for both endpoints; a {@link Profile} decides what differs. Every failure has one status
 * code ({@link TokenVerdict.Failure}) and one wording, whichever face presents the token.
 */
public final class TokenValidator {
    /** Edge Hub's wording (reference/iothub-amqp.md §1.2). */
    public static final String INVALID_SIGNATURE =
            "The specified SAS token has an invalid signature. It does not match either the primary or secondary key.";
    public static final String EXPIRED = "The specified SAS token has expired.";
    public static final String MALFORMED = "The SAS token is malformed: ";

    /** What differs between the hub's own endpoint and its Event Hub-compatible endpoint. */
    public enum Profile {
        /** The IoT hub: its host names; device-key or policy tokens; HMAC keyed with the base64-decoded key. */
        IOT_HUB,
        /**
         * The Event Hub-compatible endpoint, as azure-messaging-eventhubs 5.21 signs for it: its host, paths under its
         * name, policy tokens naming a policy with ServiceConnect in {@code skn}; HMAC keyed with the key's UTF-8 bytes.
         */
        EVENT_HUBS
    }

    private final Profile profile;
    private final Hub hub;
    /** The Event Hub-compatible endpoint's host and name (EVENT_HUBS only). */
    private final String eventHubHost;
    private final String eventHubName;
    private final Duration clockSkew;
    private final Clock clock;

    private TokenValidator(Profile profile, Hub hub, String eventHubHost, String eventHubName, Duration clockSkew, Clock clock) {
        this.profile = profile;
        this.hub = hub;
        this.eventHubHost = eventHubHost;
        this.eventHubName = eventHubName;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    public static TokenValidator iotHub(Hub hub, Duration clockSkew, Clock clock) {
        return new TokenValidator(Profile.IOT_HUB, hub, null, null, clockSkew, clock);
    }

    public static TokenValidator eventHubs(Hub hub, String hostName, String eventHubName, Duration clockSkew, Clock clock) {
        return new TokenValidator(Profile.EVENT_HUBS, hub, hostName, eventHubName, clockSkew, clock);
    }

    public Profile profile() {
        return profile;
    }

    public Clock clock() {
        return clock;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    /**
     * True for audiences this validator's endpoint answers. The Event Hub endpoint: its host, and a path that is empty
     * (a namespace audience, which the Event Hubs clients write with {@code amqp://} or {@code sb://}; a bare host is
     * the IoT hub's own when both share a host name) or under its name.
     */
    public boolean isAudience(String audienceText) {
        ResourceUri audience = ResourceUri.parse(audienceText);
        if (profile == Profile.IOT_HUB) {
            return hub.answersTo(audience.host());
        }
        if (!audience.host().equalsIgnoreCase(eventHubHost)) {
            return false;
        }
        if (!audience.segments().isEmpty()) {
            return audience.segments().get(0).equalsIgnoreCase(eventHubName);
        }
        String decoded = PercentEncoding.decode(audienceText.trim()).toLowerCase(Locale.ROOT);
        return decoded.startsWith("amqp://") || decoded.startsWith("sb://");
    }

    /** What the parser said of a malformed token: the description without its prefix and final stop. */
    public static String malformedReason(TokenVerdict.Refused refused) {
        String d = refused.description();
        return d.startsWith(MALFORMED) && d.endsWith(".") ? d.substring(MALFORMED.length(), d.length() - 1) : d;
    }

    /** Validates a token presented for {@code audienceText} (a CBS {@code name}); null means the token's own scope. */
    public TokenVerdict validate(String tokenText, String audienceText, Claim.Method method) {
        SasToken token;
        try {
            token = SasToken.parse(tokenText);
        } catch (SasToken.MalformedTokenException e) {
            return refused(TokenVerdict.Failure.MALFORMED, MALFORMED + e.getMessage() + ".");
        }
        ResourceUri sr = ResourceUri.parse(token.resourceUri());
        ResourceUri audience = audienceText == null ? sr : ResourceUri.parse(audienceText);
        TokenVerdict.Refused scope = profile == Profile.IOT_HUB ? hubScope(sr, audience) : eventHubScope(sr, audience);
        if (scope != null) {
            return scope;
        }
        Signer signer = profile == Profile.IOT_HUB ? hubSigner(token, sr) : eventHubSigner(token);
        if (signer.refusal != null) {
            return signer.refusal;
        }
        if (!SasTokens.signedWith(token, signer.primaryKey, profile) && !SasTokens.signedWith(token, signer.secondaryKey, profile)) {
            return refused(TokenVerdict.Failure.INVALID_SIGNATURE, INVALID_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(token.expirySeconds()).plus(clockSkew);
        Instant now = clock.instant();
        if (now.isAfter(expiresAt)) {
            return refused(TokenVerdict.Failure.EXPIRED, EXPIRED + " Its se is " + Instant.ofEpochSecond(token.expirySeconds()) + ", it is now "
                    + now + ", and the hub allows " + clockSkew.toSeconds() + " s of clock skew.");
        }
        if (signer.device != null && !signer.device.enabled()) {
            return refused(TokenVerdict.Failure.DEVICE_DISABLED, HubErrors.deviceDisabled(signer.device.deviceId()));
        }
        // The claim covers the audience, or only the module when a module's token was put for its device's audience.
        ResourceUri claimed = moduleTokenForItsDevice(sr, audience) ? sr : audience;
        return new TokenVerdict.Granted(new Claim(audience, ResourceUri.path(claimed.segments().toArray(String[]::new)),
                signer.identity, signer.kind, signer.permissions, expiresAt, method, signer.generationId));
    }

    private TokenVerdict.Refused hubScope(ResourceUri sr, ResourceUri audience) {
        if (!hub.answersTo(sr.host())) {
            return refused(TokenVerdict.Failure.WRONG_HOST, "The SAS token's sr host '" + sr.host() + "' is not a host name of hub '" + hub.name()
                    + "' (expected one of " + hub.hostNames() + ").");
        }
        if (!hub.answersTo(audience.host())) {
            return refused(TokenVerdict.Failure.WRONG_HOST, "The audience host '" + audience.host() + "' is not a host name of hub '" + hub.name()
                    + "' (expected one of " + hub.hostNames() + ").");
        }
        return outsideScope(sr, audience);
    }

    private TokenVerdict.Refused eventHubScope(ResourceUri sr, ResourceUri audience) {
        if (!sr.host().equalsIgnoreCase(eventHubHost)) {
            return refused(TokenVerdict.Failure.WRONG_HOST, "The SAS token's sr host '" + sr.host() + "' is not the Event Hub-compatible endpoint '"
                    + eventHubHost + "'.");
        }
        if (!sr.segments().isEmpty() && !sr.segments().get(0).equalsIgnoreCase(eventHubName)) {
            return refused(TokenVerdict.Failure.OUTSIDE_SCOPE, "The SAS token's sr '" + sr + "' is not under Event Hub '" + eventHubName + "'.");
        }
        if (!audience.host().equalsIgnoreCase(eventHubHost)) {
            return refused(TokenVerdict.Failure.WRONG_HOST, "The audience host '" + audience.host() + "' is not the Event Hub-compatible endpoint '"
                    + eventHubHost + "'.");
        }
        return outsideScope(sr, audience);
    }

    private static TokenVerdict.Refused outsideScope(ResourceUri sr, ResourceUri audience) {
        return sr.covers(audience) || moduleTokenForItsDevice(sr, audience) ? null
                : refused(TokenVerdict.Failure.OUTSIDE_SCOPE, "The audience '" + audience + "' is outside the token's scope '" + sr + "'.");
    }

    /**
     * The Java device SDK's ModuleClient puts its module token (sr {@code {host}/devices/{id}/modules/{mid}}) for the
     * audience {@code {host}/devices/{id}} (JDEV {@code AmqpsCbsSenderLinkHandler}: {@code host + "/devices/" + deviceId}),
     * and IoT Hub accepts it; the claim is then the module's, never the device's.
     */
    private static boolean moduleTokenForItsDevice(ResourceUri sr, ResourceUri audience) {
        return sr.moduleId() != null && sr.segments().size() == 4 && audience.segments().size() == 2 && audience.covers(sr);
    }

    /** Who signed, with which keys, and what that grants; or why nobody here could have. */
    private record Signer(TokenVerdict.Refused refusal, String identity, Claim.Kind kind, Set<Permission> permissions,
                          String primaryKey, String secondaryKey, Device device, String generationId) {
        static Signer refused(TokenVerdict.Failure failure, String description) {
            return new Signer(TokenValidator.refused(failure, description), null, null, null, null, null, null, null);
        }

        static Signer policy(SharedAccessPolicy p, Set<Permission> grants) {
            return new Signer(null, p.name(), Claim.Kind.POLICY, grants, p.primaryKey(), p.secondaryKey(), null, null);
        }
    }

    private Signer hubSigner(SasToken token, ResourceUri sr) {
        if (token.keyName() != null) {
            Optional<SharedAccessPolicy> policy = hub.registry().policy(token.keyName());
            if (policy.isEmpty()) {
                return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, unknownPolicy(token.keyName()));
            }
            return Signer.policy(policy.get(), policy.get().permissions());
        }
        if (sr.isHubRoot()) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, "A hub-scoped SAS token (sr '" + sr + "') must name its shared access policy in 'skn'.");
        }
        String deviceId = sr.deviceId();
        if (deviceId == null || sr.segments().size() != 2 && sr.moduleId() == null) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, "The SAS token's sr '" + sr + "' names neither the hub nor a device, and has no 'skn'.");
        }
        if (sr.moduleId() != null) {
            return moduleSigner(deviceId, sr.moduleId());
        }
        Optional<Device> found = hub.registry().device(deviceId);
        if (found.isEmpty()) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, "The SAS token is for device '" + deviceId + "', which hub '" + hub.name()
                    + "' does not have.");
        }
        Device device = found.get();
        // A device key grants DeviceConnect for that device only; the scope check keeps it there.
        return new Signer(null, deviceId, Claim.Kind.DEVICE_KEY, Set.of(Permission.DEVICE_CONNECT), device.primaryKey(),
                device.secondaryKey(), device, device.generationId());
    }

    /** A module signs with its own keys (reference/iothub-amqp.md §1.3, module level); it stands or falls with its device. */
    private Signer moduleSigner(String deviceId, String moduleId) {
        Optional<Module> module = hub.registry().modules().module(deviceId, moduleId);
        Optional<Device> device = hub.registry().device(deviceId);
        if (module.isEmpty() || device.isEmpty()) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, "The SAS token is for module '" + deviceId + "/" + moduleId
                    + "', which hub '" + hub.name() + "' does not have.");
        }
        return new Signer(null, deviceId + "/" + moduleId, Claim.Kind.MODULE_KEY, Set.of(Permission.DEVICE_CONNECT), module.get().primaryKey(),
                module.get().secondaryKey(), device.get(), module.get().generationId());
    }

    private Signer eventHubSigner(SasToken token) {
        if (token.keyName() == null) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, "An Event Hub token must name its shared access policy in 'skn'.");
        }
        Optional<SharedAccessPolicy> policy = hub.registry().policy(token.keyName());
        if (policy.isEmpty()) {
            return Signer.refused(TokenVerdict.Failure.UNKNOWN_IDENTITY, unknownPolicy(token.keyName()));
        }
        if (!policy.get().allows(Permission.SERVICE_CONNECT)) {
            return Signer.refused(TokenVerdict.Failure.MISSING_PERMISSION, "Shared access policy '" + policy.get().name()
                    + "' lacks ServiceConnect, which reading events needs.");
        }
        return Signer.policy(policy.get(), Set.of(Permission.SERVICE_CONNECT));
    }

    private String unknownPolicy(String name) {
        return "The SAS token names shared access policy '" + name + "', which hub '" + hub.name() + "' does not have.";
    }

    private static TokenVerdict.Refused refused(TokenVerdict.Failure failure, String description) {
        return new TokenVerdict.Refused(failure, description);
    }
}
