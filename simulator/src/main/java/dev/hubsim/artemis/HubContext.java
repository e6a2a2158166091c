package dev.hubsim.artemis;

import dev.hubsim.Hub;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.cbs.CbsNode;
import dev.hubsim.events.EventHubEndpoint;
import dev.hubsim.links.LinkPolicy;

import java.time.Clock;

/**
 * What the Artemis-side classes need from the hub: identities, the token checker, the CBS node, the link policy,
 * the internal broker addresses and the Event Hub-compatible endpoint. One instance per simulator, shared by both acceptors.
 */
public record HubContext(Hub hub, TokenValidator tokens, CbsNode cbs, LinkPolicy links, BrokerAddresses addresses,
                         EventHubEndpoint eventHub) {

    public Clock clock() {
        return tokens.clock();
    }
}
