package dev.hubsim.events;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.auth.SasToken;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.registry.DeviceRegistry;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Token rules of the Event Hub-compatible endpoint, decided from what azure-messaging-eventhubs 5.21 sends
 * (EventHubSharedKeyCredential, AzureTokenManagerProvider): the CBS audience and the token's {@code sr} are
 * {@code amqp://{host}/{name}[/ConsumerGroups/{cg}/Partitions/{p}]}, the token is signed by one of the hub's shared
 * access policies, the Event Hubs way ({@link EventHubSas}), and names it in {@code skn}. Redirected clients (uAMQP) use {@code amqps://{host}:{port}/...}; any
 * scheme and port are accepted. The policy must have ServiceConnect; the claim covers the audience's path.
 */
public final class EventHubTokens {
    private final EventHubSettings settings;
    private final DeviceRegistry registry;
    private final Duration clockSkew;
    private final Clock clock;

    public EventHubTokens(EventHubSettings settings, DeviceRegistry registry, Duration clockSkew, Clock clock) {
        this.settings = settings;
        this.registry = registry;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** True for audiences on this endpoint: its host, and a path that is empty (namespace) or under its name. */
    public boolean isEventHubAudience(String audienceText) {
        ResourceUri audience = ResourceUri.parse(audienceText);
        return audience.host().equalsIgnoreCase(settings.hostName())
                && (audience.segments().isEmpty() ? hasScheme(audienceText) : audience.segments().get(0).equalsIgnoreCase(settings.name()));
    }

    /**
     * A bare host (or amqps://host) is the IoT hub's own service audience when both share a host name (localhost);
     * the Event Hubs clients' namespace audiences use amqp:// or sb://.
     */
    private static boolean hasScheme(String audienceText) {
        String decoded = dev.hubsim.auth.PercentEncoding.decode(audienceText.trim()).toLowerCase(java.util.Locale.ROOT);
        return decoded.startsWith("amqp://") || decoded.startsWith("sb://");
    }

    public TokenVerdict validate(String tokenText, String audienceText) {
        SasToken token;
        try {
            token = SasToken.parse(tokenText);
        } catch (SasToken.MalformedTokenException e) {
            return new TokenVerdict.Refused(400, "The token is malformed: " + e.getMessage() + ".");
        }
        ResourceUri sr = ResourceUri.parse(token.resourceUri());
        if (!sr.host().equalsIgnoreCase(settings.hostName())) {
            return refused("The SAS token's sr host '" + sr.host() + "' is not the Event Hub-compatible endpoint '"
                    + settings.hostName() + "'.");
        }
        if (!sr.segments().isEmpty() && !sr.segments().get(0).equalsIgnoreCase(settings.name())) {
            return refused("The SAS token's sr '" + sr + "' is not under Event Hub '" + settings.name() + "'.");
        }
        ResourceUri audience = audienceText == null ? sr : ResourceUri.parse(audienceText);
        if (!audience.host().equalsIgnoreCase(settings.hostName())) {
            return refused("The audience host '" + audience.host() + "' is not the Event Hub-compatible endpoint '"
                    + settings.hostName() + "'.");
        }
        if (!sr.covers(audience)) {
            return refused("The audience '" + audience + "' is outside the token's scope '" + sr + "'.");
        }
        if (token.keyName() == null) {
            return refused("An Event Hub token must name its shared access policy in 'skn'.");
        }
        Optional<SharedAccessPolicy> policy = registry.policy(token.keyName());
        if (policy.isEmpty()) {
            return refused("The SAS token names shared access policy '" + token.keyName() + "', which this hub does not have.");
        }
        if (!policy.get().allows(Permission.SERVICE_CONNECT)) {
            return refused("Shared access policy '" + policy.get().name() + "' lacks ServiceConnect, which reading events needs.");
        }
        if (!EventHubSas.signedWith(token, policy.get().primaryKey()) && !EventHubSas.signedWith(token, policy.get().secondaryKey())) {
            return refused(TokenValidator.INVALID_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(token.expirySeconds()).plus(clockSkew);
        Instant now = clock.instant();
        if (now.isAfter(expiresAt)) {
            return refused(TokenValidator.EXPIRED + " Its se is " + Instant.ofEpochSecond(token.expirySeconds()) + ", it is now " + now + ".");
        }
        return new TokenVerdict.Granted(new Claim(audience, ResourceUri.path(audience.segments().toArray(String[]::new)),
                policy.get().name(), Claim.Kind.POLICY, Set.of(Permission.SERVICE_CONNECT), expiresAt, Claim.Method.CBS, null));
    }

    public Clock clock() {
        return clock;
    }

    private static TokenVerdict.Refused refused(String description) {
        return new TokenVerdict.Refused(401, description);
    }
}
