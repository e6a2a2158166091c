package dev.hubsim.artemis;

import dev.hubsim.Hub;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.cbs.CbsNode;
import dev.hubsim.links.LinkPolicy;

import java.time.Clock;

/**
 * What the Artemis-side classes need from the hub: identities, the token checker, the CBS node, the link policy
 * and cloud-to-device messaging. One instance per simulator, shared by both acceptors.
 */
public record HubContext(Hub hub, TokenValidator tokens, CbsNode cbs, LinkPolicy links, CloudToDevice c2d) {

    public Clock clock() {
        return tokens.clock();
    }
}
