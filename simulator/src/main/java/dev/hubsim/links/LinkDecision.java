package dev.hubsim.links;

import dev.hubsim.auth.Claim;
import org.apache.qpid.proton.amqp.Symbol;

/** Whether a link may attach: with the claim that covers it, or refused with a condition and description. */
public sealed interface LinkDecision {
    record Allowed(HubPath path, Claim claim) implements LinkDecision {
    }

    record Refused(HubPath path, Symbol condition, String description) implements LinkDecision {
    }
}
