package dev.hubsim.amqp;

import dev.hubsim.auth.Claim;
import dev.hubsim.errors.Condition;

/** Whether a link may attach: with the claim that covers it, or refused with a condition and description. */
sealed interface LinkDecision {
    record Allowed(HubPath path, Claim claim) implements LinkDecision {
    }

    record Refused(HubPath path, Condition condition, String description) implements LinkDecision {
    }
}
