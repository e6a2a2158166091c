package dev.hubsim.c2d;

import org.apache.qpid.proton.amqp.Symbol;

/** What the hub answers a service's cloud-to-device transfer: Accepted once enqueued, or Rejected with a reason. */
public sealed interface EnqueueResult {
    record Enqueued(long sequenceNumber) implements EnqueueResult {
    }

    record Refused(Symbol condition, String description) implements EnqueueResult {
    }
}
