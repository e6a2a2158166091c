package dev.hubsim.artemis;

import dev.hubsim.Hub;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.cbs.CbsNode;
import dev.hubsim.events.EventHubEndpoint;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.Limits;
import dev.hubsim.links.LinkPolicy;
import dev.hubsim.trace.Traces;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the Artemis-side classes need from the hub: identities, the token checker, the CBS node, the link policy,
 * cloud-to-device messaging, the Event Hub-compatible endpoint, limits, traces, planned faults, the live connections and
 * a scheduler. One instance per simulator, shared by every acceptor.
 *
 * @param maxTokenLifetime claims last at most this long after they are granted, whatever the token's {@code se}
 *                         (null: no cap), so tests can watch renewal happen fast
 * @param deviations      departures from the documents a kit's self-test asked for (empty by default)
 * @param openTimeout      how long a connection may take from its protocol header to its AMQP Open
 */
public record HubContext(Hub hub, TokenValidator tokens, CbsNode cbs, LinkPolicy links, CloudToDevice c2d, EventHubEndpoint eventHub,
                         Limits limits, Traces traces, FaultPlan faults, HubConnections connections, ScheduledExecutorService scheduler,
                         Duration maxTokenLifetime, Set<Deviation> deviations, Duration openTimeout) {

    public Clock clock() {
        return tokens.clock();
    }

    Claim capLifetime(Claim claim) {
        if (maxTokenLifetime == null) {
            return claim;
        }
        Instant cap = clock().instant().plus(maxTokenLifetime);
        if (!claim.expiresAt().isAfter(cap)) {
            return claim;
        }
        return new Claim(claim.audience(), claim.scope(), claim.identity(), claim.kind(), claim.permissions(), cap, claim.method(),
                claim.generationId());
    }
}
