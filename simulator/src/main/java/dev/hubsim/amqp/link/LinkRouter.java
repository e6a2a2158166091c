package dev.hubsim.amqp.link;

import dev.hubsim.auth.Claim;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.trace.TraceRecord;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPSessionCallback;
import org.apache.qpid.proton.amqp.Symbol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Every attach goes through here: a planned attach fault first, then the first registered {@link AttachHandler} whose
 * address matches, its {@link Access} against the connection's claims, the per-client link slot, then the kind opens
 * the link. An address no kind serves is refused with Edge Hub's text. Runs on the connection's event loop.
 */
public final class LinkRouter {
    private static final Logger LOG = LoggerFactory.getLogger(LinkRouter.class);

    private final List<AttachHandler<?>> kinds;
    private final LinkPolicy policy;

    LinkRouter(List<AttachHandler<?>> kinds, LinkPolicy policy) {
        this.kinds = List.copyOf(kinds);
        this.policy = policy;
    }

    /** The router of every link kind the hub serves ({@link LinkKinds#all()}), with the hub's link policy. */
    public static LinkRouter forHub(HubContext hub) {
        return new LinkRouter(LinkKinds.all(), hub.links());
    }

    /** Routes one attach; {@code slots} takes a per-client link slot or says why not. */
    public void route(Attach attach, LinkSlots slots) throws Exception {
        LinkHost host = attach.host();
        FaultPlan.AttachFault fault = host.hub().faults().takeAttach(host.id(), host.trace().identities(), attach.address()).orElse(null);
        if (fault != null) {
            host.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, attach.address(),
                    Map.of("fault", "attach refused", "condition", fault.condition()));
            attach.refuse(Symbol.valueOf(fault.condition()), fault.description(), AmqpErrors.info(fault.info()));
            return;
        }
        if (!LinkDepartures.caseSensitiveMiss(attach)) {
            for (AttachHandler<?> kind : kinds) {
                if (tryKind(kind, attach, slots)) {
                    return;
                }
            }
        }
        LinkDecision.Refused unknown = LinkPolicy.unknown(attach.address());
        if (!LinkDepartures.refuseUnknown(attach, unknown)) {
            refuse(attach, unknown);
        }
    }

    private <P> boolean tryKind(AttachHandler<P> kind, Attach attach, LinkSlots slots) throws Exception {
        P path = kind.match(attach);
        if (path == null) {
            return false;
        }
        LinkDecision decision = LinkDepartures.decide(attach, kind.access(path),
                policy.decide(kind.access(path), attach.address(), attach.host().claims()));
        if (decision instanceof LinkDecision.Refused refused) {
            refuse(attach, refused);
            return true;
        }
        Operation needs = kind.tierOperation();
        if (needs != null && !attach.hub().throttling().offers(needs)) {
            refuse(attach, new LinkDecision.Refused(Refusal.NOT_IN_TIER.condition(), Refusal.NOT_IN_TIER.describe(needs)));
            return true;
        }
        Claim claim = ((LinkDecision.Allowed) decision).claim();
        if (kind.takesLinkSlot()) {
            String full = slots.take(attach.link(), attach.address());
            if (full != null) {
                attach.refuse(AmqpErrors.RESOURCE_LIMIT_EXCEEDED, full, null);
                return true;
            }
            if (claim != null) {
                attach.boundTo(claim);
            }
        }
        // Artemis' link contexts expect the session's operation context on this thread.
        AMQPSessionCallback sessionSPI = attach.session().getSessionSPI();
        OperationContext previous = sessionSPI.recoverContext();
        try {
            kind.open(attach.withClaim(claim), path);
        } finally {
            sessionSPI.resetContext(previous);
        }
        return true;
    }

    private static void refuse(Attach attach, LinkDecision.Refused refused) {
        LOG.info("refused {} link '{}' on '{}' from {}: {} {}", attach.role() == LinkRole.CLIENT_SENDER ? "sending" : "receiving",
                attach.link().getName(), attach.address(), attach.host().getRemoteAddress(), refused.condition(), refused.description());
        attach.refuse(AmqpErrors.symbol(refused.condition()), refused.description(), null);
    }

    /** The connection's per-client link slots. */
    @FunctionalInterface
    public interface LinkSlots {
        /** Takes a slot for the link: null when taken (or unlimited), else the refusal description, already logged. */
        String take(org.apache.qpid.proton.engine.Link link, String address);
    }
}
