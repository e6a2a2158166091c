package dev.hubsim.amqp;

import dev.hubsim.amqp.link.AmqpErrors;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The limit slots one connection holds: one of its remote address's connections (from the protocol header on), one of
 * its client's connections (from the Open), a session slot per session and a link slot per link. A refused object
 * takes no slot and gets the documented framing; a closed one frees its slot before the hub answers the close.
 * A client is its SASL PLAIN user, else its AMQP container-id, else its host. On the connection's event loop.
 */
final class ConnectionSlots {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSlots.class);

    private final HubConnectionContext connection;
    private final Limits limits;
    private final Set<Session> sessions = new HashSet<>();
    private Limits.Usage addressUsage;
    private Limits.Usage clientUsage;
    private boolean connectionCounted;

    ConnectionSlots(HubConnectionContext connection) {
        this.connection = connection;
        this.limits = connection.hub().limits();
    }

    /** The remote address's slot; false when it is full (then nothing is said: answering costs what the cap saves). */
    boolean takeAddressSlot() {
        String host = hostOf(connection.getRemoteAddress());
        Limits.Usage usage = limits.addressUsage(host);
        if (limits.acquire(usage, LimitKind.CONNECTIONS_PER_ADDRESS, host) == Limits.Verdict.REFUSE) {
            String description = LimitKind.CONNECTIONS_PER_ADDRESS.reached(limits.value(LimitKind.CONNECTIONS_PER_ADDRESS));
            LOG.info("closed connection {} from {} at once: {}", connection.id(), connection.getRemoteAddress(), description);
            traceRefusal(null, "connection", description);
            return false;
        }
        addressUsage = usage;
        return true;
    }

    /** The client's connection slot at the Open; when full, Open then Close with the condition (extension points §9). */
    boolean admit(Connection open, String saslUser) {
        String client = clientIdentity(open, saslUser);
        clientUsage = limits.usage(client);
        if (limits.acquire(clientUsage, LimitKind.CONNECTIONS_PER_CLIENT, client) == Limits.Verdict.REFUSE) {
            String description = LimitKind.CONNECTIONS_PER_CLIENT.reached(limits.value(LimitKind.CONNECTIONS_PER_CLIENT));
            LOG.info("refused connection from {} for client '{}': {}", connection.getRemoteAddress(), client, description);
            traceRefusal(null, "connection", description);
            open.setContainer("hubsim");
            open.setCondition(new ErrorCondition(AmqpErrors.RESOURCE_LIMIT_EXCEEDED, description));
            open.open();
            open.close();
            connection.flush();
            return false;
        }
        connectionCounted = true;
        return true;
    }

    /** A session slot at the Begin; when full, Begin then End with the condition. */
    boolean admit(Session session) {
        if (clientUsage == null) {
            return true;
        }
        if (limits.acquire(clientUsage, LimitKind.SESSIONS_PER_CLIENT, connection.id()) == Limits.Verdict.REFUSE) {
            String description = LimitKind.SESSIONS_PER_CLIENT.reached(limits.value(LimitKind.SESSIONS_PER_CLIENT));
            LOG.info("refused session on connection {} from {}: {}", connection.id(), connection.getRemoteAddress(), description);
            traceRefusal(null, "session", description);
            session.setCondition(new ErrorCondition(AmqpErrors.RESOURCE_LIMIT_EXCEEDED, description));
            session.open();
            session.close();
            connection.flush();
            return false;
        }
        sessions.add(session);
        return true;
    }

    /** The client's usage (its counts and credit bucket), or null before the Open admitted it. */
    Limits.Usage clientUsage() {
        return clientUsage;
    }

    /** A link slot: null when taken (or unlimited before the Open), else the refusal description, logged and traced. */
    String takeLink(Link link, String address) {
        if (clientUsage == null) {
            return null;
        }
        if (limits.acquire(clientUsage, LimitKind.LINKS_PER_CLIENT, connection.id()) == Limits.Verdict.REFUSE) {
            String description = LimitKind.LINKS_PER_CLIENT.reached(limits.value(LimitKind.LINKS_PER_CLIENT));
            if (connection.hub().deviations().contains(dev.hubsim.faults.Deviation.IMP_LINK_LIMIT_OTHER_TEXT)) {
                description = "link limit exceeded (" + limits.value(LimitKind.LINKS_PER_CLIENT) + ")";
            }
            LOG.info("refused link '{}' on connection {} from {}: {}", link.getName(), connection.id(), connection.getRemoteAddress(), description);
            traceRefusal(address, "link", description);
            return description;
        }
        connection.links().slotted(link);
        return null;
    }

    void releaseLink(Link link) {
        limits.release(clientUsage, LimitKind.LINKS_PER_CLIENT);
    }

    void releaseSession(Session session) {
        if (sessions.remove(session)) {
            limits.release(clientUsage, LimitKind.SESSIONS_PER_CLIENT);
        }
    }

    /** The connection ended: every slot it still holds goes back. */
    void releaseAll() {
        if (addressUsage != null) {
            limits.release(addressUsage, LimitKind.CONNECTIONS_PER_ADDRESS);
            addressUsage = null;
        }
        if (clientUsage != null) {
            sessions.forEach(s -> limits.release(clientUsage, LimitKind.SESSIONS_PER_CLIENT));
            sessions.clear();
            if (connectionCounted) {
                limits.release(clientUsage, LimitKind.CONNECTIONS_PER_CLIENT);
                connectionCounted = false;
            }
        }
    }

    private void traceRefusal(String address, String what, String description) {
        connection.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, address, Map.of("refused", what, "description", description));
    }

    private String clientIdentity(Connection open, String saslUser) {
        if (saslUser != null) {
            return saslUser;
        }
        String container = open.getRemoteContainer();
        if (container != null && !container.isEmpty()) {
            return "container:" + container;
        }
        String remote = connection.getRemoteAddress();
        return "host:" + (remote.lastIndexOf(':') > 0 ? remote.substring(0, remote.lastIndexOf(':')) : remote);
    }

    private static String hostOf(String remoteAddress) {
        String a = remoteAddress.startsWith("/") ? remoteAddress.substring(1) : remoteAddress;
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }
}
