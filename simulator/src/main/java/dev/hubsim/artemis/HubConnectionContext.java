package dev.hubsim.artemis;

import dev.hubsim.auth.ClaimSet;
import dev.hubsim.events.EventHubEndpoint;
import dev.hubsim.events.EventHubErrors;
import dev.hubsim.events.EventHubPath;
import dev.hubsim.events.ReceiverRegistry;
import dev.hubsim.links.HubErrors;
import dev.hubsim.links.HubPath;
import dev.hubsim.links.LinkDecision;
import dev.hubsim.links.LinkRole;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One client connection seen as the hub sees it: the claims it holds, its {@code $cbs} node, and every attach mapped
 * onto a broker address or refused (artemis-extension-points.md §3, §4, §6).
 */
public final class HubConnectionContext extends AMQPConnectionContext {
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectionContext.class);
    /** Owner level of an Event Hub receiver (reference/iothub-amqp.md §6.3). */
    static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    /** The start-position filter (reference/iothub-amqp.md §6.2). */
    static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");

    private final HubContext hub;
    private final ClaimSet claims = new ClaimSet();
    private final CbsReplies cbsReplies = new CbsReplies(this);
    /** Claims for the Event Hub-compatible endpoint, apart from hub claims (see CbsNode.Outcome). */
    private final ClaimSet eventHubClaims = new ClaimSet();
    private final CbsReplies managementReplies = new CbsReplies(this);
    private final Map<Link, EventHubSender> eventHubSenders = new ConcurrentHashMap<>();
    private final AtomicBoolean closeListenerAdded = new AtomicBoolean();
    private volatile String saslUser;

    HubConnectionContext(ProtonProtocolManager manager, HubConnectionCallback callback, String containerId, int idleTimeout,
                         int maxFrameSize, int channelMax, boolean useCoreSubscriptionNaming,
                         ScheduledExecutorService scheduledPool, HubContext hub) {
        super(manager, callback, containerId, idleTimeout, maxFrameSize, channelMax, useCoreSubscriptionNaming,
                scheduledPool, true, null, null, null, null, false);
        this.hub = hub;
    }

    public ClaimSet claims() {
        return claims;
    }

    public ClaimSet eventHubClaims() {
        return eventHubClaims;
    }

    HubContext hub() {
        return hub;
    }

    void saslAuthenticated(String user) {
        this.saslUser = user;
    }

    /** The SASL PLAIN user this connection authenticated as, or null for ANONYMOUS / MSSBCBS / no SASL. */
    String saslUser() {
        return saslUser;
    }

    @Override
    protected void remoteLinkOpened(Link link) throws Exception {
        LinkRole role = link instanceof Receiver ? LinkRole.CLIENT_SENDER : LinkRole.CLIENT_RECEIVER;
        String address = role == LinkRole.CLIENT_SENDER ? targetAddress(link) : sourceAddress(link);
        EventHubPath eventHubPath = hub.eventHub().parse(address, role == LinkRole.CLIENT_RECEIVER);
        if (eventHubPath != null) {
            openEventHubLink(link, eventHubPath);
            return;
        }
        HubPath path = HubPath.parse(address, role);
        LinkDecision decision = hub.links().decide(path, claims, hub.clock().instant());
        if (decision instanceof LinkDecision.Refused refused) {
            LOG.info("refused {} link '{}' on '{}' from {}: {} {}", role == LinkRole.CLIENT_SENDER ? "sending" : "receiving",
                    link.getName(), address, getRemoteAddress(), refused.condition(), refused.description());
            refuse(link, refused.condition(), refused.description(), null);
            return;
        }
        if (path instanceof HubPath.ServiceEvents events) {
            redirect(link, events.eventHubSuffix());
            return;
        }
        if (path instanceof HubPath.ServiceEventsManagement management) {
            redirect(link, management.eventHubSuffix());
            return;
        }
        AMQPSessionContext session = getSessionExtension(link.getSession());
        AMQPSessionCallback sessionSPI = session.getSessionSPI();
        OperationContext previous = sessionSPI.recoverContext();
        try {
            link.setSource(link.getRemoteSource());
            link.setTarget(link.getRemoteTarget());
            if (path instanceof HubPath.Cbs) {
                openCbs(link);
            } else if (path instanceof HubPath.DeviceTelemetry telemetry) {
                session.addReceiver((Receiver) link, (s, r) -> new TelemetryReceiver(sessionSPI, this, s, r, telemetry));
            } else if (path instanceof HubPath.DeviceBound deviceBound) {
                session.addSender((Sender) link, new DeviceBoundController(session, hub.addresses().deviceQueue(deviceBound.deviceId())));
            } else if (path instanceof HubPath.ServiceDeviceBound) {
                session.addReceiver((Receiver) link, (s, r) -> new CloudToDeviceReceiver(sessionSPI, this, s, r));
            } else {
                throw new IllegalStateException("no handler for allowed path " + path);
            }
        } finally {
            sessionSPI.resetContext(previous);
        }
    }

    private void openCbs(Link link) {
        if (link instanceof Receiver receiver) {
            receiver.setContext(new CbsRequestHandler(this, receiver, cbsReplies));
            receiver.open();
            receiver.flow(CbsRequestHandler.CREDIT);
        } else {
            Sender sender = (Sender) link;
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            sender.setContext(cbsReplies.attach(sender));
            sender.open();
        }
        flush();
    }

    /** Service receivers on the hub's events paths are sent to the Event Hub-compatible endpoint (§5). */
    private void redirect(Link link, String eventHubSuffix) {
        Map<Symbol, Object> info = hub.eventHub().redirectInfo(eventHubSuffix);
        String description = EventHubErrors.redirect((String) info.get(EventHubEndpoint.INFO_ADDRESS));
        LOG.info("redirected link '{}' from {}: {}", link.getName(), getRemoteAddress(), description);
        refuse(link, HubErrors.LINK_REDIRECT, description, info);
    }

    private void openEventHubLink(Link link, EventHubPath path) {
        if (path instanceof EventHubPath.Management) {
            link.setSource(link.getRemoteSource());
            link.setTarget(link.getRemoteTarget());
            if (link instanceof Receiver receiver) {
                receiver.setContext(new ManagementRequestHandler(this, receiver, managementReplies));
                receiver.open();
                receiver.flow(ManagementRequestHandler.CREDIT);
            } else {
                Sender sender = (Sender) link;
                sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
                sender.setContext(managementReplies.attach(sender));
                sender.open();
            }
            flush();
            return;
        }
        if (!(path instanceof EventHubPath.PartitionReceiver receiverPath)) {
            refuseEventHubLink(link, path.address(), HubErrors.NOT_ALLOWED, EventHubErrors.readOnly(path.address()));
            return;
        }
        Sender sender = (Sender) link;
        Object epochValue = link.getRemoteProperties() == null ? null : link.getRemoteProperties().get(EPOCH);
        if (epochValue != null && !(epochValue instanceof Long) && !(epochValue instanceof Integer)) {
            refuseEventHubLink(link, path.address(), HubErrors.ARGUMENT_ERROR, EventHubErrors.epochNotALong(epochValue));
            return;
        }
        Long epoch = epochValue == null ? null : ((Number) epochValue).longValue();
        EventHubEndpoint.ReceiverDecision decision = hub.eventHub().openReceiver(receiverPath, selectorFilter(link), eventHubClaims);
        if (decision instanceof EventHubEndpoint.ReceiverDecision.Refused refused) {
            refuseEventHubLink(link, path.address(), refused.condition(), refused.description());
            return;
        }
        EventHubEndpoint.ReceiverDecision.Open open = (EventHubEndpoint.ReceiverDecision.Open) decision;
        boolean runtimeMetric = link.getRemoteDesiredCapabilities() != null
                && java.util.Arrays.asList(link.getRemoteDesiredCapabilities()).contains(EventHubSender.RUNTIME_METRIC);
        EventHubSender handler = new EventHubSender(this, sender, open.partition(), hub.eventHub().receivers(), runtimeMetric);
        ReceiverRegistry.Admission admission = hub.eventHub().receivers().admit(receiverPath.consumerGroup(),
                receiverPath.partitionId(), epoch, handler);
        if (admission instanceof ReceiverRegistry.Admission.Refused refused) {
            refuseEventHubLink(link, path.address(), refused.condition(), refused.description());
            return;
        }
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
        sender.setReceiverSettleMode(sender.getRemoteReceiverSettleMode());
        if (runtimeMetric) {
            sender.setOfferedCapabilities(new Symbol[]{EventHubSender.RUNTIME_METRIC});
        }
        sender.setContext(handler);
        watchConnectionClose();
        eventHubSenders.put(link, handler);
        sender.open();
        handler.start(((ReceiverRegistry.Admission.Admitted) admission).registration(), open.partition().resolve(open.start()));
        flush();
    }

    private void refuseEventHubLink(Link link, String address, Symbol condition, String description) {
        LOG.info("refused Event Hub link '{}' on '{}' from {}: {} {}", link.getName(), address, getRemoteAddress(), condition, description);
        refuse(link, condition, description, null);
    }

    /** The string of the {@code apache.org:selector-filter:string} source filter, described or bare; null when absent. */
    private static Object selectorFilter(Link link) {
        if (!(link.getRemoteSource() instanceof Source source) || source.getFilter() == null) {
            return null;
        }
        Object value = source.getFilter().get(SELECTOR_FILTER);
        return value instanceof DescribedType described ? described.getDescribed() : value;
    }

    /** Event Hub receivers stop and give back their partition place when the connection ends, however it ends. */
    private void watchConnectionClose() {
        if (closeListenerAdded.compareAndSet(false, true)) {
            getConnectionCallback().getProtonConnectionDelegate().addCloseListener(this::releaseEventHubSenders);
        }
    }

    private void releaseEventHubSenders() {
        eventHubSenders.values().forEach(EventHubSender::release);
        eventHubSenders.clear();
    }

    private void releaseEventHubSender(Link link) {
        EventHubSender handler = eventHubSenders.remove(link);
        if (handler != null) {
            handler.release();
        }
    }

    @Override
    public void onRemoteClose(Link link) throws Exception {
        releaseEventHubSender(link);
        super.onRemoteClose(link);
    }

    @Override
    public void onRemoteDetach(Link link) throws Exception {
        releaseEventHubSender(link);
        super.onRemoteDetach(link);
    }

    @Override
    public void onRemoteClose(Session session) throws Exception {
        eventHubSenders.keySet().stream().filter(l -> l.getSession() == session).toList().forEach(this::releaseEventHubSender);
        super.onRemoteClose(session);
    }

    /**
     * The documented refusal framing (reference/iothub-amqp.md §4.7): an attach with a null terminus on our side, then
     * a closing detach carrying the condition. Only this link is affected.
     */
    void refuse(Link link, Symbol condition, String description, Map<Symbol, Object> info) {
        if (link instanceof Sender) {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        } else {
            link.setTarget(null);
            link.setSource(link.getRemoteSource());
        }
        ErrorCondition error = new ErrorCondition(condition, description);
        if (info != null) {
            error.setInfo(info);
        }
        link.setCondition(error);
        link.open();
        link.close();
        flush();
    }

    private static String targetAddress(Link link) {
        return link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
    }

    private static String sourceAddress(Link link) {
        return link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
    }
}
