package dev.hubsim.artemis;

import dev.hubsim.auth.ClaimSet;
import dev.hubsim.links.HubPath;
import dev.hubsim.links.LinkDecision;
import dev.hubsim.links.LinkRole;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One client connection seen as the hub sees it: the claims it holds, its {@code $cbs} node, and every attach mapped
 * onto a broker address or refused (artemis-extension-points.md §3, §4, §6).
 */
public final class HubConnectionContext extends AMQPConnectionContext {
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectionContext.class);

    private final HubContext hub;
    private final ClaimSet claims = new ClaimSet();
    private final CbsReplies cbsReplies = new CbsReplies(this);
    /**
     * Links served by the hub's own handlers rather than Artemis' link contexts. Artemis closes only its own contexts
     * when a session or connection ends, so these are closed here, and their unsettled leases returned.
     */
    private final Map<Link, ProtonDeliveryHandler> rawLinks = new HashMap<>();
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
        HubPath path = HubPath.parse(address, role);
        LinkDecision decision = hub.links().decide(path, claims, hub.clock().instant());
        if (decision instanceof LinkDecision.Refused refused) {
            LOG.info("refused {} link '{}' on '{}' from {}: {} {}", role == LinkRole.CLIENT_SENDER ? "sending" : "receiving",
                    link.getName(), address, getRemoteAddress(), refused.condition(), refused.description());
            refuse(link, refused.condition(), refused.description(), null);
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
                DeviceBoundLink deviceLink = new DeviceBoundLink(this, (Sender) link, hub.c2d(), deviceBound.deviceId());
                rawLinks.put(link, deviceLink);
                deviceLink.open();
            } else if (path instanceof HubPath.ServiceDeviceBound) {
                ServiceDeviceBoundLink serviceLink = new ServiceDeviceBoundLink(this, (Receiver) link, hub.c2d());
                rawLinks.put(link, serviceLink);
                serviceLink.open();
            } else if (path instanceof HubPath.ServiceFeedback) {
                FeedbackLink feedbackLink = new FeedbackLink(this, (Sender) link, hub.c2d().feedback());
                rawLinks.put(link, feedbackLink);
                feedbackLink.open();
            } else {
                throw new IllegalStateException("no handler for allowed path " + path);
            }
        } finally {
            sessionSPI.resetContext(previous);
        }
    }

    private void openCbs(Link link) {
        if (link instanceof Receiver receiver) {
            CbsRequestHandler handler = new CbsRequestHandler(this, receiver, cbsReplies);
            rawLinks.put(link, handler);
            receiver.setContext(handler);
            receiver.open();
            receiver.flow(CbsRequestHandler.CREDIT);
        } else {
            Sender sender = (Sender) link;
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            sender.setContext(cbsReplies.attach(sender));
            rawLinks.put(link, cbsReplies);
            sender.open();
        }
        flush();
    }

    @Override
    public void onRemoteDetach(Link link) throws Exception {
        closeRawLink(link);
        super.onRemoteDetach(link);
    }

    @Override
    public void onRemoteClose(Link link) throws Exception {
        rawLinks.remove(link);
        super.onRemoteClose(link);
    }

    @Override
    public void onRemoteClose(Session session) throws Exception {
        super.onRemoteClose(session);
        runLater(() -> List.copyOf(rawLinks.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::closeRawLink));
    }

    @Override
    public void close(ErrorCondition errorCondition) {
        if (isHandler()) {
            closeRawLinks();
        } else {
            runLater(this::closeRawLinks);
        }
        super.close(errorCondition);
    }

    private void closeRawLinks() {
        List.copyOf(rawLinks.keySet()).forEach(this::closeRawLink);
    }

    private void closeRawLink(Link link) {
        ProtonDeliveryHandler handler = rawLinks.remove(link);
        if (handler != null) {
            try {
                handler.close(false);
            } catch (Exception e) {
                LOG.warn("closing the handler of link '{}' failed", link.getName(), e);
            }
        }
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
