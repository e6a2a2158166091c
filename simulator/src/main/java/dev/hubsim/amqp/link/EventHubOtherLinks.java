package dev.hubsim.amqp.link;

import dev.hubsim.errors.Condition;
import dev.hubsim.eventhub.EventHubErrors;

/** Anything else under the Event Hub's name (senders, unknown sub-paths): the built-in endpoint only delivers telemetry. */
final class EventHubOtherLinks implements AttachHandler<EventHubPath.Unsupported> {
    @Override
    public EventHubPath.Unsupported match(Attach attach) {
        return EventHubManagementLinks.parse(attach) instanceof EventHubPath.Unsupported u ? u : null;
    }

    @Override
    public Access access(EventHubPath.Unsupported path) {
        return Access.ownCheck();
    }

    @Override
    public boolean takesLinkSlot() {
        return false;
    }

    @Override
    public void open(Attach attach, EventHubPath.Unsupported path) {
        EventHubReceiverLinks.refuse(attach, Condition.NOT_ALLOWED, EventHubErrors.readOnly(path.address()));
    }
}
