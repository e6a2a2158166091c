package dev.hubsim.amqp.link;

import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.errors.Condition;
import dev.hubsim.faults.Deviation;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

import java.util.Set;
import java.util.regex.Pattern;

/** The link router's deviations (test-only, see {@link Deviation}). */
final class LinkDepartures {
    /** A path literal written otherwise than in lower case ({@code /messages/serviceBound/feedback} is the documents' own). */
    private static final Pattern NOT_LOWER = Pattern.compile("/(?!devices/)(?i:devices)/|/(?!messages/)(?i:messages)/|/(?!events$)(?i:events)$");

    private LinkDepartures() {
    }

    private static Set<Deviation> of(Attach attach) {
        return attach.hub().deviations();
    }

    /** With {@link Deviation#PATHS_CASE_SENSITIVE}: true when the address's literals are not in lower case. */
    static boolean caseSensitiveMiss(Attach attach) {
        return of(attach).contains(Deviation.PATHS_CASE_SENSITIVE) && NOT_LOWER.matcher(attach.address()).find();
    }

    /** Refuses an unknown path the departing way; false when the documented framing applies. */
    static boolean refuseUnknown(Attach attach, LinkDecision.Refused unknown) {
        Set<Deviation> deviations = of(attach);
        boolean otherText = deviations.contains(Deviation.UNKNOWN_PATH_OTHER_DESCRIPTION);
        boolean terminus = deviations.contains(Deviation.UNKNOWN_PATH_WITH_TERMINUS);
        if (!otherText && !terminus) {
            return false;
        }
        String description = otherText ? "No link handler for " + attach.address() : unknown.description();
        if (!terminus) {
            attach.refuse(AmqpErrors.symbol(unknown.condition()), description, null);
            return true;
        }
        var link = attach.link();
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setCondition(new ErrorCondition(AmqpErrors.symbol(unknown.condition()), description));
        link.open();
        link.close();
        attach.host().flush();
        return true;
    }

    /** With {@link Deviation#CROSS_DEVICE_CLAIM_ALLOWED}: any hub claim of the connection opens any device's path. */
    static LinkDecision decide(Attach attach, Access access, LinkDecision decision) {
        if (of(attach).contains(Deviation.CROSS_DEVICE_CLAIM_ALLOWED) && access instanceof Access.Device
                && decision instanceof LinkDecision.Refused refused && refused.condition() == Condition.UNAUTHORIZED_ACCESS) {
            return attach.host().claims().held(ConnectionClaims.Endpoint.HUB).stream().findFirst()
                    .<LinkDecision>map(LinkDecision.Allowed::new).orElse(decision);
        }
        return decision;
    }
}
