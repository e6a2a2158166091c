package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPConnectionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.Link;

import java.util.Map;

/**
 * One attach being routed: the link, how the client attached it, the connection, and what a kind may record about the
 * link while opening it.
 *
 * @param connection the same connection as Artemis knows it (Artemis' own link contexts need it)
 * @param session    Artemis' context of the link's session
 * @param claim      the claim that let the link attach, or null (none needed, or the kind checks on its own)
 */
public record Attach(Link link, LinkRole role, String address, LinkHost host, AMQPConnectionContext connection, AMQPSessionContext session,
                     Claim claim) {

    public HubContext hub() {
        return host.hub();
    }

    /** Serves the link with the hub's own handler, closed by the connection when the link's session or connection ends. */
    public void adopt(ProtonDeliveryHandler handler) {
        host.links().adopt(link, handler);
    }

    /** The link goes when the claim that let it attach (or this one) expires. */
    public void boundTo(Claim binding) {
        host.links().bindAudience(link, binding.audience());
    }

    /** Refuses this attach with the documented framing, one log line, and flushes. */
    public void refuse(Symbol condition, String description, Map<Symbol, Object> info) {
        Refusals.refuse(link, condition, description, info);
        host.flush();
    }

    Attach withClaim(Claim allowed) {
        return new Attach(link, role, address, host, connection, session, allowed);
    }
}
