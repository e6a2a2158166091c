package dev.hubsim.amqp.link;

import dev.hubsim.errors.Condition;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.eventhub.EventHubErrors;
import dev.hubsim.eventhub.ReceiverRegistry;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * An Event Hub receiver, {@code {name}/ConsumerGroups/{cg}/Partitions/{p}}: its Event Hub claim, consumer group,
 * partition and start filter checked by the endpoint, its epoch by the receiver registry (reference/iothub-amqp.md §6);
 * then an {@link EventHubSender} delivers the partition's events. It goes when its claim expires.
 */
final class EventHubReceiverLinks implements AttachHandler<EventHubPath.PartitionReceiver> {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubReceiverLinks.class);
    /** Owner level of an Event Hub receiver (reference/iothub-amqp.md §6.3). */
    static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    /** The start-position filter (reference/iothub-amqp.md §6.2). */
    static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");

    @Override
    public EventHubPath.PartitionReceiver match(Attach attach) {
        return EventHubManagementLinks.parse(attach) instanceof EventHubPath.PartitionReceiver r ? r : null;
    }

    @Override
    public Access access(EventHubPath.PartitionReceiver path) {
        return Access.ownCheck();
    }

    @Override
    public boolean takesLinkSlot() {
        return false;
    }

    @Override
    public void open(Attach attach, EventHubPath.PartitionReceiver path) {
        Sender sender = (Sender) attach.link();
        Object epochValue = sender.getRemoteProperties() == null ? null : sender.getRemoteProperties().get(EPOCH);
        if (epochValue != null && !(epochValue instanceof Long) && !(epochValue instanceof Integer)) {
            refuse(attach, Condition.ARGUMENT_ERROR, EventHubErrors.epochNotALong(epochValue));
            return;
        }
        Long epoch = epochValue == null ? null : ((Number) epochValue).longValue();
        EventHubEndpoint endpoint = attach.hub().eventHub();
        EventHubEndpoint.ReceiverDecision decision = endpoint.openReceiver(path.address(), path.consumerGroup(), path.partitionId(),
                selectorFilter(sender), attach.host().claims());
        if (decision instanceof EventHubEndpoint.ReceiverDecision.Refused refused) {
            refuse(attach, refused.condition(), refused.description());
            return;
        }
        EventHubEndpoint.ReceiverDecision.Open open = (EventHubEndpoint.ReceiverDecision.Open) decision;
        if (attach.hub().deviations().contains(dev.hubsim.faults.Deviation.INCLUSIVE_FILTER_AS_EXCLUSIVE) && open.start().inclusive()) {
            open = new EventHubEndpoint.ReceiverDecision.Open(open.partition(),
                    new dev.hubsim.eventhub.StartPosition(open.start().kind(), open.start().value(), false), open.claim());
        }
        boolean runtimeMetric = sender.getRemoteDesiredCapabilities() != null
                && Arrays.asList(sender.getRemoteDesiredCapabilities()).contains(EventHubSender.RUNTIME_METRIC);
        EventHubSender handler = new EventHubSender(attach.host(), sender, open.partition(), endpoint.receivers(), runtimeMetric);
        ReceiverRegistry.Admission admission = endpoint.receivers().admit(path.consumerGroup(), path.partitionId(), epoch, handler);
        if (admission instanceof ReceiverRegistry.Admission.Refused refused) {
            refuse(attach, refused.condition(), refused.description());
            return;
        }
        sender.setSource(sender.getRemoteSource());
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
        sender.setReceiverSettleMode(sender.getRemoteReceiverSettleMode());
        if (runtimeMetric) {
            sender.setOfferedCapabilities(new Symbol[]{EventHubSender.RUNTIME_METRIC});
        }
        sender.setContext(handler);
        attach.host().links().eventHubSender(sender, handler);
        attach.boundTo(open.claim());
        sender.open();
        handler.start(((ReceiverRegistry.Admission.Admitted) admission).registration(), open.partition().resolve(open.start()));
        attach.host().flush();
    }

    static void refuse(Attach attach, Condition condition, String description) {
        LOG.info("refused Event Hub link '{}' on '{}' from {}: {} {}", attach.link().getName(), attach.address(),
                attach.host().getRemoteAddress(), condition, description);
        attach.refuse(AmqpErrors.symbol(condition), description, null);
    }

    /** The string of the {@code apache.org:selector-filter:string} source filter, described or bare; null when absent. */
    private static Object selectorFilter(Sender sender) {
        if (!(sender.getRemoteSource() instanceof Source source) || source.getFilter() == null) {
            return null;
        }
        Object value = source.getFilter().get(SELECTOR_FILTER);
        return value instanceof DescribedType described ? described.getDescribed() : value;
    }
}
