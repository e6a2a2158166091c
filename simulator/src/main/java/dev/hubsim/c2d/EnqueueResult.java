package dev.hubsim.c2d;

import dev.hubsim.errors.Condition;

/** What the hub answers a service's cloud-to-device transfer: Accepted once enqueued, or Rejected with a reason. */
public sealed interface EnqueueResult {
    record Enqueued(long sequenceNumber) implements EnqueueResult {
    }

    record Refused(Condition condition, String description) implements EnqueueResult {
    }
}
