package dev.hubsim.amqp.link;

import dev.hubsim.auth.ResourceUri;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.limits.LinkKind;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one connection holds per link beyond Artemis' own contexts: the handlers of links the hub serves itself (Artemis
 * closes only its own contexts when a session or connection ends, so these are closed here and their leases
 * returned), Event Hub receivers' partition places, the audience of the claim that let each link attach (so an
 * expiring claim takes its links with it), each client sending link's credit, and which links hold a per-client link
 * slot. Used on the connection's event loop.
 */
public final class LinkTable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkTable.class);

    private final LinkHost host;
    private final Consumer<Link> slotRelease;
    private final Map<Link, ProtonDeliveryHandler> hubLinks = new HashMap<>();
    private final Map<Link, EventHubSender> eventHubSenders = new ConcurrentHashMap<>();
    private final Map<Link, ResourceUri> audiences = new HashMap<>();
    private final Map<Link, LinkCredit> credits = new HashMap<>();
    private final Set<Link> slotted = new HashSet<>();
    /** The connection's reply routes, one per request node ({@code $cbs}, {@code $management}). */
    private final Map<String, CbsReplies> replyRoutes = new HashMap<>();
    /** State shared by links of one channel, by the kind's key. */
    private final Map<String, Object> shared = new HashMap<>();

    /** @param slotRelease gives a link's per-client slot back when the link goes */
    public LinkTable(LinkHost host, Consumer<Link> slotRelease) {
        this.host = host;
        this.slotRelease = slotRelease;
    }

    /** A link the hub serves with its own handler, closed here when its session or connection ends. */
    void adopt(Link link, ProtonDeliveryHandler handler) {
        hubLinks.put(link, handler);
    }

    void eventHubSender(Link link, EventHubSender sender) {
        eventHubSenders.put(link, sender);
    }

    /** The link goes when the claim for this audience expires. */
    void bindAudience(Link link, ResourceUri audience) {
        audiences.put(link, audience);
    }

    /** The link holds a per-client link slot, given back when it goes. */
    public void slotted(Link link) {
        slotted.add(link);
    }

    /** The reply route of a request node on this connection. */
    CbsReplies replyRoute(String node) {
        return replyRoutes.computeIfAbsent(node, n -> new CbsReplies(host));
    }

    /** A state several links of this connection share (a twin channel's pair), created on first use. */
    @SuppressWarnings("unchecked")
    <T> T shared(String key, java.util.function.Supplier<T> create) {
        return (T) shared.computeIfAbsent(key, k -> create.get());
    }

    void forgetShared(String key) {
        shared.remove(key);
    }

    /** The credit of a client sending link, by the profile's policy for its kind. */
    public LinkCredit credit(Receiver receiver, LinkKind kind) {
        return credits.computeIfAbsent(receiver, r -> new LinkCredit(host, receiver, kind, host.hub().limits().profile().credit(kind)));
    }

    /** The credit controls of the client sending links whose target address matches. */
    public List<LinkCredit> credits(Predicate<String> address) {
        return credits.entrySet().stream().filter(e -> address.test(targetAddress(e.getKey()))).map(Map.Entry::getValue).toList();
    }

    /** The links a claim for this audience let attach. */
    public List<Link> boundTo(ResourceUri audience) {
        return audiences.entrySet().stream().filter(e -> e.getValue().equals(audience)).map(Map.Entry::getKey).toList();
    }

    /** Edge Hub's AmqpMaxMessageSize (reference/iothub-amqp.md §8.1), or the hub's own size limits if higher. */
    static final long MAX_DELIVERY_BYTES = 1024 * 1024;

    /**
     * How many bytes a delivery still in transit may hold on this link: request links ({@code $cbs}, {@code $management})
     * a request's worth; the others room for a whole message over the size limits, which is then Rejected as documented.
     */
    /** A $cbs or $management request link: its max-message-size is a request's worth, checked on whole deliveries too. */
    public boolean isRequestLink(Link link) {
        return link.getContext() instanceof CbsRequestHandler || link.getContext() instanceof ManagementRequestHandler;
    }

    public long partialCap(Link link) {
        if (link.getContext() instanceof CbsRequestHandler || link.getContext() instanceof ManagementRequestHandler) {
            return RequestLinkHandler.MAX_REQUEST_BYTES;
        }
        return Math.max(MAX_DELIVERY_BYTES, Math.max(host.hub().limits().value(dev.hubsim.limits.LimitKind.D2C_MESSAGE_BYTES),
                host.hub().limits().value(dev.hubsim.limits.LimitKind.C2D_MESSAGE_BYTES)));
    }

    /** Detaches a link from the hub's side with an error, cleaning up whichever handler served it. */
    public void closeLink(Link link, ErrorCondition error) {
        eventHubSenders.remove(link);
        ProtonDeliveryHandler handler = hubLinks.remove(link);
        try {
            if (handler != null) {
                handler.close(error);
            } else if (link.getContext() instanceof ProtonDeliveryHandler artemis) {
                artemis.close(error);
            }
        } catch (Exception e) {
            LOG.warn("closing the handler of link '{}' failed", link.getName(), e);
        }
        forget(link);
        link.setCondition(error);
        link.close();
    }

    /** The client detached the link. */
    public void remoteDetached(Link link) {
        releaseEventHubSender(link);
        closeHubLink(link);
        forget(link);
    }

    /** The link's close completed. */
    public void remoteClosed(Link link) {
        releaseEventHubSender(link);
        hubLinks.remove(link);
        forget(link);
    }

    /** The session ended: every link on it goes. */
    public void sessionClosed(Session session) {
        List.copyOf(eventHubSenders.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::releaseEventHubSender);
        List.copyOf(hubLinks.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::closeHubLink);
        List.copyOf(slotted).stream().filter(l -> l.getSession() == session).forEach(this::forget);
        List.copyOf(credits.keySet()).stream().filter(l -> l.getSession() == session).forEach(this::forget);
    }

    /** The connection ended: everything goes. */
    public void releaseAll() {
        List.copyOf(eventHubSenders.keySet()).forEach(this::releaseEventHubSender);
        List.copyOf(hubLinks.keySet()).forEach(this::closeHubLink);
        List.copyOf(slotted).forEach(this::forget);
        List.copyOf(credits.keySet()).forEach(this::forget);
    }

    /** The links the hub serves itself, for the connection's description. */
    public void describe(List<ConnectionInfo.LinkInfo> out) {
        for (Link l : hubLinks.keySet()) {
            boolean clientSends = l instanceof Receiver;
            out.add(new ConnectionInfo.LinkInfo(l.getName(), clientSends ? "client-sender" : "client-receiver",
                    String.valueOf(clientSends ? targetAddress(l) : sourceAddress(l)), l.getCredit()));
        }
    }

    /** Event Hub receivers stop and give back their partition place when their link, session or connection ends. */
    private void releaseEventHubSender(Link link) {
        EventHubSender sender = eventHubSenders.remove(link);
        if (sender != null) {
            sender.release();
        }
    }

    private void closeHubLink(Link link) {
        ProtonDeliveryHandler handler = hubLinks.remove(link);
        if (handler != null) {
            try {
                handler.close(false);
            } catch (Exception e) {
                LOG.warn("closing the handler of link '{}' failed", link.getName(), e);
            }
        }
    }

    private void forget(Link link) {
        audiences.remove(link);
        LinkCredit credit = credits.remove(link);
        if (credit != null) {
            credit.close();
        }
        if (slotted.remove(link)) {
            slotRelease.accept(link);
        }
    }

    public static String targetAddress(Link link) {
        return link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
    }

    public static String sourceAddress(Link link) {
        return link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
    }
}
