package dev.hubsim.artemis;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ClaimSet;
import dev.hubsim.events.EventHubEndpoint;
import dev.hubsim.events.EventHubErrors;
import dev.hubsim.events.EventHubPath;
import dev.hubsim.events.ReceiverRegistry;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.CreditPolicy;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.links.HubErrors;
import dev.hubsim.links.HubPath;
import dev.hubsim.links.LinkDecision;
import dev.hubsim.links.LinkRole;
import dev.hubsim.trace.ConnectionTrace;
import dev.hubsim.trace.FrameTracer;
import dev.hubsim.trace.TraceRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnection;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One client connection seen as the hub sees it: the claims it holds and their expiry, its {@code $cbs} node, the
 * limits it counts against, the credit of its sending links, its trace, and every attach mapped onto the hub's handlers
 * or refused (artemis-extension-points.md §3, §4, §6, §8, §9, §10). Everything here runs on the connection's event
 * loop unless it says otherwise.
 */
public final class HubConnectionContext extends AMQPConnectionContext {
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectionContext.class);
    private static final Symbol TRANSFER_LIMIT_EXCEEDED = Symbol.valueOf("amqp:link:transfer-limit-exceeded");
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
    private final ConnectionTrace trace;
    /**
     * Links served by the hub's own handlers rather than Artemis' link contexts. Artemis closes only its own contexts
     * when a session or connection ends, so these are closed here, and their unsettled leases returned.
     */
    private final Map<Link, ProtonDeliveryHandler> rawLinks = new HashMap<>();
    /**
     * The audience of the claim that let each link attach, so an expiring claim takes its links with it; a renewal for
     * the same audience carries them on.
     */
    private final Map<Link, dev.hubsim.auth.ResourceUri> linkAudiences = new HashMap<>();
    private final Map<Link, LinkCredit> credits = new HashMap<>();
    /**
     * One expiry timer per audience (and claim set): a renewal re-arms it instead of adding another, so a client that
     * renews in a loop holds one timer, not one per put-token. Cancelled when the connection ends.
     */
    private final Map<Object, ExpiryTimer> expiryTimers = new ConcurrentHashMap<>();

    private record ExpiryTimer(Instant at, java.util.concurrent.ScheduledFuture<?> future) {
    }


    private final Set<Session> countedSessions = new HashSet<>();
    private final HeldAnswers heldAnswers = new HeldAnswers(this);
    private final Set<Link> countedLinks = new HashSet<>();
    private final Set<Delivery> seenDeliveries = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
    private volatile String saslUser;
    private Limits.Usage usage;
    private boolean connectionCounted;
    private boolean closed;
    private final CloseWatch closeWatch;
    /** The remote IP, counted against {@link LimitKind#CONNECTIONS_PER_ADDRESS} while {@code addressUsage} is set. */
    private final String remoteHost;
    private Limits.Usage addressUsage;
    private volatile boolean remoteOpened;
    private final java.util.concurrent.ScheduledFuture<?> openTimer;

    HubConnectionContext(ProtonProtocolManager manager, HubConnectionCallback callback, String containerId, int idleTimeout,
                         int maxFrameSize, int channelMax, boolean useCoreSubscriptionNaming,
                         ScheduledExecutorService scheduledPool, HubContext hub) {
        super(manager, callback, containerId, idleTimeout, maxFrameSize, channelMax, useCoreSubscriptionNaming,
                scheduledPool, true, null, null, null, null, false);
        this.hub = hub;
        this.trace = hub.traces().open(getRemoteAddress());
        closeWatch = new CloseWatch(hub.traces().framesEnabled() ? new FrameTracer(trace) : null);
        ((TransportImpl) getHandler().getTransport()).setProtocolTracer(closeWatch);
        hub.connections().add(this);
        remoteHost = hostOf(getRemoteAddress());
        Limits.Usage perAddress = hub.limits().addressUsage(remoteHost);
        if (hub.limits().acquire(perAddress, LimitKind.CONNECTIONS_PER_ADDRESS, remoteHost) == Limits.Verdict.REFUSE) {
            String description = LimitKind.CONNECTIONS_PER_ADDRESS.reached(hub.limits().value(LimitKind.CONNECTIONS_PER_ADDRESS));
            LOG.info("closed connection {} from {} at once: {}", id(), getRemoteAddress(), description);
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null, Map.of("refused", "connection", "description", description));
            openTimer = null;
            // Nothing is said: answering costs what the cap is there to save.
            channel().eventLoop().execute(() -> channel().close());
            return;
        }
        addressUsage = perAddress;
        openTimer = hub.scheduler().schedule(() -> runLater(this::openTimedOut), hub.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Channel channel() {
        return ((NettyConnection) getConnectionCallback().getTransportConnection()).getChannel();
    }

    private static String hostOf(String remoteAddress) {
        String a = remoteAddress.startsWith("/") ? remoteAddress.substring(1) : remoteAddress;
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }

    /** A peer that sent a protocol header but no Open in time: Artemis' idle timeout only starts at the Open. */
    private void openTimedOut() {
        if (remoteOpened || closed || !channel().isActive()) {
            return;
        }
        LOG.info("closed connection {} from {}: no AMQP Open within {} ms", id(), getRemoteAddress(), hub.openTimeout().toMillis());
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null, Map.of("closed", "no open", "timeout-ms", hub.openTimeout().toMillis()));
        channel().close();
    }

    /**
     * After input the transport could not take (a frame Proton-J cannot classify, a broken SASL frame) the transport
     * holds an error and reads nothing more, but Artemis does not always close the socket. It is closed here, once
     * what the transport wrote (its Close, if any) has gone out.
     */
    @Override
    public void inputBuffer(io.netty.buffer.ByteBuf buffer) {
        super.inputBuffer(buffer);
        ErrorCondition error = getHandler().getTransport().getCondition();
        if (error != null && !inputFailed) {
            inputFailed = true;
            LOG.info("closing connection {} from {} after unreadable input: {} {}", id(), getRemoteAddress(), error.getCondition(), error.getDescription());
            // The transport writes its Close on a later pass of the event loop; give it that, then close once flushed.
            Channel channel = channel();
            channel.eventLoop().schedule(() -> channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE), INPUT_ERROR_CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean inputFailed;
    static final long INPUT_ERROR_CLOSE_DELAY_MS = 200;

    /** The transport's layers are set here (SASL or not); the guard goes on top of them before any input is processed. */
    @Override
    public void onAuthInit(org.apache.activemq.artemis.protocol.amqp.proton.handler.ProtonHandler handler, Connection connection, boolean sasl) {
        super.onAuthInit(handler, connection, sasl);
        UnreadableInputGuard.install(handler.getTransport());
    }

    /**
     * How long a peer has to answer our Close (or a failed SASL outcome) before its socket is closed under it. Artemis
     * waits for the peer's Close, and after some input errors (a performative Proton-J cannot classify, a string that is
     * not UTF-8) it sends a Close but never closes the socket; a hostile client would keep it for ever.
     */
    static final long CLOSE_TIMEOUT_MS = 2000;

    /** Sees every frame leaving the connection: traces it when frame tracing is on, and arms the close timeout. */
    private final class CloseWatch implements org.apache.qpid.proton.engine.impl.ProtocolTracer {
        private final FrameTracer frames;
        private boolean armed;

        CloseWatch(FrameTracer frames) {
            this.frames = frames;
        }

        @Override
        public void receivedFrame(org.apache.qpid.proton.framing.TransportFrame frame) {
            if (frames != null) {
                frames.receivedFrame(frame);
            }
        }

        @Override
        public void sentFrame(org.apache.qpid.proton.framing.TransportFrame frame) {
            if (frames != null) {
                frames.sentFrame(frame);
            }
            if (frame.getBody() instanceof org.apache.qpid.proton.amqp.transport.Close close) {
                arm("no Close answered " + (close.getError() == null ? "" : close.getError().getCondition() + " "));
            }
        }

        @Override
        public void receivedSaslBody(org.apache.qpid.proton.amqp.security.SaslFrameBody body) {
            if (frames != null) {
                frames.receivedSaslBody(body);
            }
        }

        @Override
        public void sentSaslBody(org.apache.qpid.proton.amqp.security.SaslFrameBody body) {
            if (frames != null) {
                frames.sentSaslBody(body);
            }
            if (body instanceof org.apache.qpid.proton.amqp.security.SaslOutcome outcome
                    && outcome.getCode() != org.apache.qpid.proton.amqp.security.SaslCode.OK) {
                arm("still open after SASL outcome " + outcome.getCode() + " ");
            }
        }

        @Override
        public void receivedHeader(String header) {
            if (frames != null) {
                frames.receivedHeader(header);
            }
        }

        @Override
        public void sentHeader(String header) {
            if (frames != null) {
                frames.sentHeader(header);
            }
        }

        void arm(String why) {
            if (armed) {
                return;
            }
            armed = true;
            hub.scheduler().schedule(() -> {
                Channel channel = channel();
                if (channel.isActive()) {
                    LOG.info("closed the socket of connection {} from {}: {}within {} ms", id(), getRemoteAddress(), why, CLOSE_TIMEOUT_MS);
                    channel.close();
                }
            }, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    public ClaimSet claims() {
        return claims;
    }

    public ClaimSet eventHubClaims() {
        return eventHubClaims;
    }

    public ConnectionTrace trace() {
        return trace;
    }

    public String id() {
        return trace.connectionId();
    }

    HubContext hub() {
        return hub;
    }

    void saslAuthenticated(String user) {
        this.saslUser = user;
        trace.addIdentity(user);
    }

    /** The SASL PLAIN user this connection authenticated as, or null for ANONYMOUS / MSSBCBS / no SASL. */
    String saslUser() {
        return saslUser;
    }

    // ---------------------------------------------------------------------------------------------------- claims

    /**
     * Records a claim (from CBS or SASL PLAIN), capped at the hub's maximum token lifetime, and schedules its expiry. A
     * renewal for the same audience replaces the claim; the old one's expiry then finds it gone and does nothing.
     */
    void addClaim(Claim granted) {
        schedule(hub.capLifetime(granted), claims);
    }

    /** The same for a claim on the Event Hub-compatible endpoint; its expiry detaches the Event Hub receivers it opened. */
    void addEventHubClaim(Claim granted) {
        schedule(hub.capLifetime(granted), eventHubClaims);
    }

    private void schedule(Claim claim, ClaimSet set) {
        set.put(claim);
        trace.addIdentity(claim.identity());
        if (claim.scope().deviceId() != null) {
            trace.addIdentity(claim.scope().deviceId());
        }
        Object key = List.of(set == claims ? "hub" : "event-hub", claim.audience());
        ExpiryTimer existing = expiryTimers.get(key);
        if (existing != null && !existing.at().isAfter(claim.expiresAt())) {
            return; // it fires first, finds this renewal and re-arms for it
        }
        if (existing != null) {
            existing.future().cancel(false);
        }
        arm(key, claim, set);
    }

    private void arm(Object key, Claim claim, ClaimSet set) {
        long delay = Math.max(0, Duration.between(hub.clock().instant(), claim.expiresAt()).toMillis());
        expiryTimers.put(key, new ExpiryTimer(claim.expiresAt(), hub.scheduler().schedule(() -> runLater(() -> {
            expiryTimers.remove(key);
            expire(claim, "expired at " + claim.expiresAt());
            if (!closed) {
                set.all().stream().filter(c -> c.audience().equals(claim.audience())).findFirst().ifPresent(renewal -> arm(key, renewal, set));
            }
        }), delay, TimeUnit.MILLISECONDS)));
    }

    /** True when a claim for a new audience would go over {@link LimitKind#CLAIMS_PER_CONNECTION}. */
    boolean claimWouldExceedCap(Claim claim, boolean eventHub) {
        List<Claim> held = (eventHub ? eventHubClaims : claims).all();
        return held.stream().noneMatch(c -> c.audience().equals(claim.audience()))
                && hub.limits().check(LimitKind.CLAIMS_PER_CONNECTION, held.size() + 1L, id()) == Limits.Verdict.REFUSE;
    }


    /** A claim's time is up (or a fault says so): its links are detached, a SASL PLAIN connection is closed. */
    void expire(Claim claim, String why) {
        if (closed) {
            return;
        }
        if (!claims.removeIfCurrent(claim) && !eventHubClaims.removeIfCurrent(claim)) {
            // Renewed in time: the new claim has its own expiry; nothing is disturbed.
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null,
                    Map.of("claim-renewed", claim.audience().toString(), "old-expiry", claim.expiresAt().toString()));
            return;
        }
        String description = "Token Invalid. The token for audience '" + claim.audience() + "' " + why + ".";
        LOG.info("claim for '{}' on connection {} from {}: {}", claim.audience(), id(), getRemoteAddress(), description);
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null,
                Map.of("claim-expired", claim.audience().toString(), "reason", why));
        ErrorCondition error = new ErrorCondition(HubErrors.UNAUTHORIZED_ACCESS, description);
        if (claim.method() == Claim.Method.SASL_PLAIN) {
            close(error);
            return;
        }
        List.copyOf(linkAudiences.entrySet()).stream().filter(e -> e.getValue().equals(claim.audience())).forEach(e -> closeLink(e.getKey(), error));
        flush();
    }

    /** Expires every claim now (a fault). Returns how many. */
    int expireAllClaims(String why) {
        List<Claim> all = new java.util.ArrayList<>(claims.all());
        all.addAll(eventHubClaims.all());
        all.forEach(c -> expire(c, why));
        return all.size();
    }

    // ---------------------------------------------------------------------------------------------------- limits

    /** Who counts against the per-client limits: the SASL user, else the container-id, else the client's host. */
    private String clientIdentity(Connection connection) {
        if (saslUser != null) {
            return saslUser;
        }
        String container = connection.getRemoteContainer();
        if (container != null && !container.isEmpty()) {
            return "container:" + container;
        }
        String remote = getRemoteAddress();
        return "host:" + (remote.lastIndexOf(':') > 0 ? remote.substring(0, remote.lastIndexOf(':')) : remote);
    }

    @Override
    public void onRemoteOpen(Connection connection) throws Exception {
        remoteOpened = true;
        String client = clientIdentity(connection);
        usage = hub.limits().usage(client);
        if (hub.limits().acquire(usage, LimitKind.CONNECTIONS_PER_CLIENT, client) == Limits.Verdict.REFUSE) {
            String description = LimitKind.CONNECTIONS_PER_CLIENT.reached(hub.limits().value(LimitKind.CONNECTIONS_PER_CLIENT));
            LOG.info("refused connection from {} for client '{}': {}", getRemoteAddress(), client, description);
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null, Map.of("refused", "connection", "description", description));
            // Open, then Close with the condition (artemis-extension-points.md §9).
            connection.setContainer("hubsim");
            connection.setCondition(new ErrorCondition(HubErrors.RESOURCE_LIMIT_EXCEEDED, description));
            connection.open();
            connection.close();
            flush();
            return;
        }
        connectionCounted = true;
        super.onRemoteOpen(connection);
    }

    @Override
    public void onRemoteOpen(Session session) throws Exception {
        if (heldAnswers.hold(session, null, () -> onRemoteOpen(session))) {
            return;
        }
        if (usage != null) {
            if (hub.limits().acquire(usage, LimitKind.SESSIONS_PER_CLIENT, id()) == Limits.Verdict.REFUSE) {
                String description = LimitKind.SESSIONS_PER_CLIENT.reached(hub.limits().value(LimitKind.SESSIONS_PER_CLIENT));
                LOG.info("refused session on connection {} from {}: {}", id(), getRemoteAddress(), description);
                trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null, Map.of("refused", "session", "description", description));
                // Begin, then End with the condition.
                session.setCondition(new ErrorCondition(HubErrors.RESOURCE_LIMIT_EXCEEDED, description));
                session.open();
                session.close();
                flush();
                return;
            }
            countedSessions.add(session);
        }
        super.onRemoteOpen(session);
    }

    // ---------------------------------------------------------------------------------------------------- links

    @Override
    protected void remoteLinkOpened(Link link) throws Exception {
        LinkRole role = link instanceof Receiver ? LinkRole.CLIENT_SENDER : LinkRole.CLIENT_RECEIVER;
        String address = role == LinkRole.CLIENT_SENDER ? targetAddress(link) : sourceAddress(link);
        if (heldAnswers.hold(link, address, () -> remoteLinkOpened(link))) {
            return;
        }

        FaultPlan.AttachFault fault = hub.faults().takeAttach(id(), trace.identities(), address).orElse(null);
        if (fault != null) {
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, address,
                    Map.of("fault", "attach refused", "condition", fault.condition().toString()));
            refuse(link, fault.condition(), fault.description(), fault.info());
            return;
        }
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
        if (usage != null) {
            if (hub.limits().acquire(usage, LimitKind.LINKS_PER_CLIENT, id()) == Limits.Verdict.REFUSE) {
                String description = LimitKind.LINKS_PER_CLIENT.reached(hub.limits().value(LimitKind.LINKS_PER_CLIENT));
                LOG.info("refused link '{}' on connection {} from {}: {}", link.getName(), id(), getRemoteAddress(), description);
                trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, address, Map.of("refused", "link", "description", description));
                refuse(link, HubErrors.RESOURCE_LIMIT_EXCEEDED, description, null);
                return;
            }
            countedLinks.add(link);
        }
        Claim claim = ((LinkDecision.Allowed) decision).claim();
        if (claim != null) {
            linkAudiences.put(link, claim.audience());
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
            receiver.setMaxMessageSize(org.apache.qpid.proton.amqp.UnsignedLong.valueOf(MAX_REQUEST_BYTES));
            receiver.open();
            credit(receiver, LinkKind.CBS).start();
        } else {
            Sender sender = (Sender) link;
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            sender.setContext(cbsReplies.attach(sender));
            rawLinks.put(link, cbsReplies);
            sender.open();
        }
        flush();
    }

    /** Service receivers on the hub's events paths are sent to the Event Hub-compatible endpoint (§5). */
    private void redirect(Link link, String eventHubSuffix) {
        Map<Symbol, Object> info = hub.eventHub().redirectInfo(eventHubSuffix);
        String description = EventHubErrors.redirect((String) info.get(EventHubEndpoint.INFO_ADDRESS));
        if (hub.deviations().contains(Deviation.REDIRECT_WITHOUT_ADDRESS)) {
            info.remove(EventHubEndpoint.INFO_ADDRESS);
        }
        LOG.info("redirected link '{}' from {}: {}", link.getName(), getRemoteAddress(), description);
        refuse(link, HubErrors.LINK_REDIRECT, description, info);
    }

    private void openEventHubLink(Link link, EventHubPath path) {
        if (path instanceof EventHubPath.Management) {
            link.setSource(link.getRemoteSource());
            link.setTarget(link.getRemoteTarget());
            if (link instanceof Receiver receiver) {
                receiver.setContext(new ManagementRequestHandler(this, receiver, managementReplies));
                receiver.setMaxMessageSize(org.apache.qpid.proton.amqp.UnsignedLong.valueOf(MAX_REQUEST_BYTES));
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
        eventHubSenders.put(link, handler);
        linkAudiences.put(link, open.claim().audience());
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

    /** Event Hub receivers stop and give back their partition place when their link, session or connection ends. */
    private void releaseEventHubSender(Link link) {
        EventHubSender handler = eventHubSenders.remove(link);
        if (handler != null) {
            handler.release();
        }
    }

    /** The credit of a client sending link, by the profile's policy for its kind. */
    LinkCredit credit(Receiver receiver, LinkKind kind) {
        return credits.computeIfAbsent(receiver, r -> new LinkCredit(this, receiver, hub.limits().profile().credit(kind)));
    }

    /** Credit controls of the client sending links whose address matches, for faults and manual credit. */
    List<LinkCredit> credits(dev.hubsim.faults.Scope scope) {
        return credits.entrySet().stream().filter(e -> scope.matchesPath(targetAddress(e.getKey()))).map(Map.Entry::getValue).toList();
    }

    /**
     * A transfer that arrives when the link has no credit breaks the protocol: the link is detached with
     * {@code amqp:link:transfer-limit-exceeded} and the violation traced.
     */
    @Override
    public void onDelivery(Delivery delivery) throws Exception {
        Link link = delivery.getLink();
        if (link instanceof Receiver && delivery.isPartial() && delivery.available() > partialCap(link)) {
            // Proton-J buffers a delivery until its last frame: without this a client could fill the heap with one.
            String description = "A delivery on '" + targetAddress(link) + "' grew past " + partialCap(link)
                    + " bytes before its last frame.";
            LOG.info("detached link '{}' on connection {} from {}: {}", link.getName(), id(), getRemoteAddress(), description);
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.VIOLATION, -1, targetAddress(link),
                    Map.of("violation", "delivery too large", "bytes", delivery.available()));
            closeLink(link, new ErrorCondition(HubErrors.MESSAGE_SIZE_EXCEEDED, description));
            flush();
            return;
        }
        if (link instanceof Receiver receiver && seenDeliveries.add(delivery) && receiver.getQueued() > receiver.getCredit()) {
            String description = "A transfer arrived on '" + targetAddress(link) + "' with no link credit.";
            LOG.info("protocol violation on connection {} from {}: {}", id(), getRemoteAddress(), description);
            trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.VIOLATION, -1, targetAddress(link),
                    Map.of("violation", "transfer without credit", "credit", receiver.getCredit(), "queued", receiver.getQueued()));
            closeLink(link, new ErrorCondition(TRANSFER_LIMIT_EXCEEDED, description));
            flush();
            return;
        }
        super.onDelivery(delivery);
    }

    /** The largest $cbs or $management request: a token, even a JWT, is a few kilobytes. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Edge Hub's AmqpMaxMessageSize (reference/iothub-amqp.md §8.1), or the hub's own size limits if higher. */
    static final long MAX_DELIVERY_BYTES = 1024 * 1024;

    /**
     * How many bytes a delivery still in transit may hold on this link: request links get {@link #MAX_REQUEST_BYTES};
     * the others room for a whole message over the size limits, which is then Rejected as documented.
     */
    private long partialCap(Link link) {
        if (link.getContext() instanceof CbsRequestHandler || link.getContext() instanceof ManagementRequestHandler) {
            return MAX_REQUEST_BYTES;
        }
        return Math.max(MAX_DELIVERY_BYTES, Math.max(hub.limits().value(LimitKind.D2C_MESSAGE_BYTES), hub.limits().value(LimitKind.C2D_MESSAGE_BYTES)));
    }

    /** Detaches a link from the hub's side with an error, cleaning up whichever handler served it. */
    void closeLink(Link link, ErrorCondition error) {
        eventHubSenders.remove(link);
        ProtonDeliveryHandler raw = rawLinks.remove(link);
        try {
            if (raw != null) {
                raw.close(error);
            } else if (link.getContext() instanceof ProtonDeliveryHandler handler) {
                handler.close(error);
            }
        } catch (Exception e) {
            LOG.warn("closing the handler of link '{}' failed", link.getName(), e);
        }
        forget(link);
        link.setCondition(error);
        link.close();
    }

    private void forget(Link link) {
        linkAudiences.remove(link);
        LinkCredit credit = credits.remove(link);
        if (credit != null) {
            credit.close();
        }
        if (countedLinks.remove(link)) {
            hub.limits().release(usage, LimitKind.LINKS_PER_CLIENT);
        }
    }

    @Override
    public void onRemoteDetach(Link link) throws Exception {
        releaseEventHubSender(link);
        closeRawLink(link);
        forget(link);
        super.onRemoteDetach(link);
    }

    @Override
    public void onRemoteClose(Link link) throws Exception {
        releaseEventHubSender(link);
        rawLinks.remove(link);
        forget(link);
        super.onRemoteClose(link);
    }

    /** Frees the session's slots before its End goes out, so a client that waits for the End may reuse them. */
    @Override
    public void onRemoteClose(Session session) throws Exception {
        List.copyOf(eventHubSenders.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::releaseEventHubSender);
        List.copyOf(rawLinks.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::closeRawLink);
        List.copyOf(countedLinks).stream().filter(l -> l.getSession() == session).forEach(this::forget);
        List.copyOf(credits.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::forget);
        if (countedSessions.remove(session)) {
            hub.limits().release(usage, LimitKind.SESSIONS_PER_CLIENT);
        }
        super.onRemoteClose(session);
    }

    /** Frees the connection's slots before its Close goes out. */
    @Override
    public void onRemoteClose(Connection connection) {
        releaseAll();
        super.onRemoteClose(connection);
    }

    /** Every way a connection ends passes here (remote close, failure, local close); it frees what it held once. */
    @Override
    public void close(ErrorCondition errorCondition) {
        if (isHandler()) {
            releaseAll();
        } else {
            runLater(this::releaseAll);
        }
        super.close(errorCondition);
    }

    private void releaseAll() {
        if (closed) {
            return;
        }
        closed = true;
        if (openTimer != null) {
            openTimer.cancel(false);
        }
        if (addressUsage != null) {
            hub.limits().release(addressUsage, LimitKind.CONNECTIONS_PER_ADDRESS);
            addressUsage = null;
        }
        List.copyOf(eventHubSenders.keySet()).forEach(this::releaseEventHubSender);
        expiryTimers.values().forEach(t -> t.future().cancel(false));
        expiryTimers.clear();
        List.copyOf(rawLinks.keySet()).forEach(this::closeRawLink);
        List.copyOf(countedLinks).forEach(this::forget);
        List.copyOf(credits.keySet()).forEach(this::forget);
        if (usage != null) {
            countedSessions.forEach(s -> hub.limits().release(usage, LimitKind.SESSIONS_PER_CLIENT));
            countedSessions.clear();
            if (connectionCounted) {
                hub.limits().release(usage, LimitKind.CONNECTIONS_PER_CLIENT);
                connectionCounted = false;
            }
        }
        hub.connections().remove(this);
        hub.traces().closed(trace);
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

    // ---------------------------------------------------------------------------------------------------- faults

    /** Drops the connection: a TCP reset when {@code abrupt}, else a Close with the error. Callable from any thread. */
    void drop(boolean abrupt, ErrorCondition error) {
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null,
                abrupt ? Map.of("fault", "connection reset") : Map.of("fault", "connection closed", "condition", String.valueOf(error.getCondition())));
        if (abrupt) {
            Channel channel = ((NettyConnection) getConnectionCallback().getTransportConnection()).getChannel();
            // SO_LINGER 0 makes the close a reset: the client sees the socket die, not an AMQP close.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            runLater(() -> {
                close(error);
                flush();
            });
        }
    }

    /** Runs on the event loop and waits for the result (from a test or timer thread; on the loop it just runs). */
    <T> T onLoop(java.util.function.Supplier<T> work) {
        if (isHandler()) {
            return work.get();
        }
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        runLater(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for connection " + id(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("connection " + id() + " did not run the request", e);
        }
    }

    /** A snapshot for the control API: identities, and each open link with its address, role and credit. */
    public Map<String, Object> describe() {
        return onLoop(() -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id());
            d.put("remoteAddress", trace.remoteAddress());
            d.put("identities", trace.identities());
            d.put("claims", claims.all().size() + eventHubClaims.all().size());
            d.put("expiryTimers", expiryTimers.size());
            List<Map<String, Object>> links = new java.util.ArrayList<>();
            for (AMQPSessionContext session : getSessions().values()) {
                for (Receiver r : session.getReceivers().keySet()) {
                    links.add(Map.of("name", r.getName(), "role", "client-sender", "address", String.valueOf(targetAddress(r)), "credit", r.getCredit()));
                }
            }
            for (Map.Entry<Link, ProtonDeliveryHandler> e : rawLinks.entrySet()) {
                Link l = e.getKey();
                boolean clientSends = l instanceof Receiver;
                links.add(Map.of("name", l.getName(), "role", clientSends ? "client-sender" : "client-receiver",
                        "address", String.valueOf(clientSends ? targetAddress(l) : sourceAddress(l)), "credit", l.getCredit()));
            }
            d.put("links", links);
            return d;
        });
    }

    void recordFault(String path, Map<String, Object> fields) {
        trace.record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, path, new LinkedHashMap<>(fields));
    }

    /**
     * The documented refusal framing (reference/iothub-amqp.md §4.7): an attach with a null terminus on our side, then
     * a closing detach carrying the condition (and an {@code info} map, for redirects). Only this link is affected.
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

    static String targetAddress(Link link) {
        return link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
    }

    static String sourceAddress(Link link) {
        return link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
    }

    Instant now() {
        return hub.clock().instant();
    }
}
