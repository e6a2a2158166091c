package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.errors.Condition;

/** Whether a link may attach: with the claim that covers it (null when none is needed), or refused. */
sealed interface LinkDecision {
    record Allowed(Claim claim) implements LinkDecision {
    }

    record Refused(Condition condition, String description) implements LinkDecision {
    }
}
