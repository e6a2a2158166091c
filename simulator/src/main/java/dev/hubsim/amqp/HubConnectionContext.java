package dev.hubsim.amqp;

import dev.hubsim.amqp.link.AmqpErrors;
import dev.hubsim.amqp.link.Attach;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.amqp.link.LinkHost;
import dev.hubsim.amqp.link.LinkRole;
import dev.hubsim.amqp.link.LinkRouter;
import dev.hubsim.amqp.link.LinkTable;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.errors.Condition;
import dev.hubsim.trace.ConnectionLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnection;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.handler.ProtonHandler;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.impl.TransportImpl;

import java.util.concurrent.ScheduledExecutorService;

/**
 * One client connection as Artemis drives it: only Artemis' overrides, each handing its event to the part that owns
 * it: the guards ({@link OpenTimer}, {@link CloseWatchdog}, {@link InputErrorClose}, {@link DeliveryGuard}), the limit
 * slots ({@link ConnectionSlots}), the claims ({@link ConnectionClaims}), the link router and the table of links the
 * hub serves ({@link LinkRouter}, {@link LinkTable}); what faults and the control API do to it goes through
 * {@link ConnectionControl}. Everything here runs on the connection's event loop unless it
 * says otherwise (artemis-extension-points.md §3, §4, §6, §8-§11).
 */
public final class HubConnectionContext extends AMQPConnectionContext implements LinkHost {
    private final HubContext hub;
    private final ConnectionLog trace;
    private final ConnectionClaims claims;
    private final ConnectionSlots slots;
    private final LinkTable links;
    private final LinkRouter router;
    private final InputErrorClose inputErrors = new InputErrorClose(this);
    private final DeliveryGuard deliveries = new DeliveryGuard(this);
    private final HeldAnswers heldAnswers = new HeldAnswers(this);
    private final OpenTimer openTimer;
    private final ConnectionControl control = new ConnectionControl(this);
    private volatile String saslUser;
    private volatile boolean released;

    HubConnectionContext(ProtonProtocolManager manager, HubConnectionCallback callback, String containerId, int idleTimeout,
                         int maxFrameSize, int channelMax, boolean useCoreSubscriptionNaming,
                         ScheduledExecutorService scheduledPool, HubContext hub, LinkRouter router) {
        super(manager, callback, containerId, idleTimeout, maxFrameSize, channelMax, useCoreSubscriptionNaming,
                scheduledPool, true, null, null, null, null, false);
        this.hub = hub;
        this.router = router;
        this.trace = hub.traces().open(getRemoteAddress());
        this.claims = new ConnectionClaims(hub.clock(), hub.scheduler(), this::runLater, hub.maxTokenLifetime(), hub.limits(), trace,
                this::claimExpired);
        this.slots = new ConnectionSlots(this);
        this.links = new LinkTable(this, slots::releaseLink);
        ((TransportImpl) getHandler().getTransport()).setProtocolTracer(
                new CloseWatchdog(this, hub.traces().framesEnabled() ? new FrameTracer(trace) : null));
        hub.connections().add(control);
        if (!slots.takeAddressSlot()) {
            openTimer = null;
            channel().eventLoop().execute(() -> channel().close());
            return;
        }
        openTimer = new OpenTimer(this);
    }

    // ------------------------------------------------------------------------------------------- Artemis overrides

    @Override
    public void inputBuffer(ByteBuf buffer) {
        super.inputBuffer(buffer);
        inputErrors.afterInput();
    }

    /** The transport's layers are set here (SASL or not); the guard goes on top of them before any input is processed. */
    @Override
    public void onAuthInit(ProtonHandler handler, Connection connection, boolean sasl) {
        super.onAuthInit(handler, connection, sasl);
        UnreadableInputGuard.install(handler.getTransport());
    }

    @Override
    public void onRemoteOpen(Connection connection) throws Exception {
        if (openTimer != null) {
            openTimer.opened();
        }
        if (slots.admit(connection, saslUser)) {
            super.onRemoteOpen(connection);
        }
    }

    @Override
    public void onRemoteOpen(Session session) throws Exception {
        if (heldAnswers.hold(session, null, () -> onRemoteOpen(session))) {
            return;
        }
        if (slots.admit(session)) {
            super.onRemoteOpen(session);
        }
    }

    @Override
    protected void remoteLinkOpened(Link link) throws Exception {
        LinkRole role = link instanceof Receiver ? LinkRole.CLIENT_SENDER : LinkRole.CLIENT_RECEIVER;
        String address = role == LinkRole.CLIENT_SENDER ? LinkTable.targetAddress(link) : LinkTable.sourceAddress(link);
        if (heldAnswers.hold(link, address, () -> remoteLinkOpened(link))) {
            return;
        }
        router.route(new Attach(link, role, address, this, this, getSessionExtension(link.getSession()), null), slots::takeLink);
    }

    @Override
    public void onDelivery(Delivery delivery) throws Exception {
        if (!deliveries.refuses(delivery)) {
            super.onDelivery(delivery);
        }
    }

    @Override
    public void onRemoteDetach(Link link) throws Exception {
        links.remoteDetached(link);
        super.onRemoteDetach(link);
    }

    @Override
    public void onRemoteClose(Link link) throws Exception {
        links.remoteClosed(link);
        super.onRemoteClose(link);
    }

    /** Frees the session's slots before its End goes out, so a client that waits for the End may reuse them. */
    @Override
    public void onRemoteClose(Session session) throws Exception {
        links.sessionClosed(session);
        slots.releaseSession(session);
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
        if (released) {
            return;
        }
        released = true;
        if (openTimer != null) {
            openTimer.cancel();
        }
        claims.close();
        links.releaseAll();
        slots.releaseAll();
        hub.connections().remove(control);
        hub.traces().closed(trace);
    }

    // ------------------------------------------------------------------------------------------- the hub's view

    @Override
    public HubContext hub() {
        return hub;
    }

    @Override
    public String id() {
        return trace.connectionId();
    }

    @Override
    public ConnectionLog trace() {
        return trace;
    }

    @Override
    public dev.hubsim.limits.Limits.Usage clientUsage() {
        return slots.clientUsage();
    }

    @Override
    public ConnectionClaims claims() {
        return claims;
    }

    @Override
    public LinkTable links() {
        return links;
    }

    boolean released() {
        return released;
    }

    Channel channel() {
        return ((NettyConnection) getConnectionCallback().getTransportConnection()).getChannel();
    }

    /** SASL PLAIN succeeded for this user; its token's claim follows with {@link #addClaim}. */
    void saslAuthenticated(String user) {
        this.saslUser = user;
        trace.addIdentity(user);
    }

    /** The SASL PLAIN user this connection authenticated as, or null for ANONYMOUS / MSSBCBS / no SASL. */
    String saslUser() {
        return saslUser;
    }

    void addClaim(Claim granted) {
        claims.put(ConnectionClaims.Endpoint.HUB, granted);
    }

    /** A claim's time is up (or it was withdrawn): its links are detached, a SASL PLAIN connection is closed. */
    private void claimExpired(Claim claim, String description) {
        ErrorCondition error = AmqpErrors.error(Condition.UNAUTHORIZED_ACCESS, description);
        if (claim.method() == Claim.Method.SASL_PLAIN) {
            close(error);
            return;
        }
        if (hub().deviations().contains(dev.hubsim.faults.Deviation.TOKEN_EXPIRY_NOT_DETACHING)) {
            return;
        }
        links.boundTo(claim.audience()).forEach(link -> links.closeLink(link, error));
        flush();
    }
}
