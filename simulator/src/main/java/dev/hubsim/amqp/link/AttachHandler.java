package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;

/**
 * The attaches of one kind of link the hub serves (telemetry, C2D, {@code $cbs}, ...): which addresses it takes, what
 * claim they need, and how the link opens. A new kind is one implementation registered in {@link LinkKinds#all()}; the
 * router does the rest (attach faults, the claim check with the documented refusal framing, the per-client link slot,
 * cleanup).
 *
 * @param <P> the kind's parsed address
 */
interface AttachHandler<P> {
    /** The parsed address when this kind serves the attach's address in the attach's role; else null. */
    P match(Attach attach);

    /** What the attach needs before it opens. */
    Access access(P path);

    /** Whether the link takes a per-client link slot (redirects and the Event Hub endpoint's links do not). */
    default boolean takesLinkSlot() {
        return true;
    }

    /** The operation a basic tier may lack that this link serves (its attach is then refused); null when every tier has it. */
    default Operation tierOperation() {
        return null;
    }

    /** Opens the link: its terminus, its handler, its credit. The claim that allowed it is bound already. */
    void open(Attach attach, P path) throws Exception;
}
