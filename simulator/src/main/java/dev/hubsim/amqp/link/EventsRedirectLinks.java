package dev.hubsim.amqp.link;

import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.eventhub.EventHubErrors;
import dev.hubsim.faults.Deviation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Service receivers on the hub's {@code /messages/events/...} paths: answered with {@code amqp:link:redirect} to the
 * Event Hub-compatible endpoint (reference/iothub-amqp.md §5), so they never open here.
 */
final class EventsRedirectLinks implements AttachHandler<String> {
    private static final Logger LOG = LoggerFactory.getLogger(EventsRedirectLinks.class);

    /** The same path below the Event Hub's name. */
    @Override
    public String match(Attach attach) {
        HubPath path = HubPath.parse(attach.address(), attach.role());
        if (path instanceof HubPath.ServiceEvents events) {
            return events.eventHubSuffix();
        }
        return path instanceof HubPath.ServiceEventsManagement management ? management.eventHubSuffix() : null;
    }

    @Override
    public Access access(String eventHubSuffix) {
        return new Access.Service(dev.hubsim.auth.ResourceUri.path("messages", "events"));
    }

    @Override
    public boolean takesLinkSlot() {
        return false;
    }

    @Override
    public void open(Attach attach, String eventHubSuffix) {
        Map<String, Object> info = attach.hub().eventHub().redirectInfo(eventHubSuffix);
        String description = EventHubErrors.redirect((String) info.get(EventHubEndpoint.INFO_ADDRESS));
        if (attach.hub().deviations().contains(Deviation.REDIRECT_WITHOUT_ADDRESS)) {
            info.remove(EventHubEndpoint.INFO_ADDRESS);
        }
        LOG.info("redirected link '{}' from {}: {}", attach.link().getName(), attach.host().getRemoteAddress(), description);
        attach.refuse(AmqpErrors.LINK_REDIRECT, description, AmqpErrors.info(info));
    }
}
