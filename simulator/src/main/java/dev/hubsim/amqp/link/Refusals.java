package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;

import java.util.Map;

/** The documented refusal framing of an attach (reference/iothub-amqp.md §4.7). */
final class Refusals {
    private Refusals() {
    }

    /**
     * An attach with a null terminus on our side, then a closing detach carrying the condition (and an {@code info} map,
     * for redirects). Only this link is affected.
     */
    public static void refuse(Link link, Symbol condition, String description, Map<Symbol, Object> info) {
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
    }
}
