package dev.hubsim.amqp.link;

import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.faults.Deviation;
import org.apache.qpid.proton.message.Message;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The $cbs node's deviations (test-only, see {@link Deviation}): granted put-tokens a departing hub refuses. */
final class CbsDepartures {
    private static final Pattern SE = Pattern.compile("(?i)[ &]se=(\\d+)");
    private static final Pattern FIELD_NAME = Pattern.compile("[ &]([A-Za-z]+)=");

    private CbsDepartures() {
    }

    static CbsNode.Outcome apply(Set<Deviation> deviations, Message request, CbsNode.Outcome outcome, Instant now) {
        if (deviations.isEmpty() || outcome.claim() == null || outcome.request() == null) {
            return outcome;
        }
        Map<String, Object> props = request.getApplicationProperties().getValue();
        String token = outcome.request().token();
        if (deviations.contains(Deviation.CBS_AZURE_DEVICES_TYPE_REFUSED) && "azure-devices.net:sastoken".equals(props.get("type"))) {
            return refused(outcome, TokenVerdict.Failure.MALFORMED, "Token type azure-devices.net:sastoken is not supported.");
        }
        if (deviations.contains(Deviation.CBS_ENCODED_AUDIENCE_REFUSED) && String.valueOf(props.get("name")).contains("%")) {
            return refused(outcome, TokenVerdict.Failure.OUTSIDE_SCOPE, "The audience is not a hub path.");
        }
        if (deviations.contains(Deviation.CBS_EXPIRATION_REFUSED) && props.containsKey("expiration")) {
            return refused(outcome, TokenVerdict.Failure.MALFORMED, "Unexpected property 'expiration'.");
        }
        if (deviations.contains(Deviation.SAS_FIELD_NAMES_CASE_SENSITIVE)) {
            Matcher names = FIELD_NAME.matcher(token);
            while (names.find()) {
                if (!names.group(1).equals(names.group(1).toLowerCase(java.util.Locale.ROOT))) {
                    return refused(outcome, TokenVerdict.Failure.MALFORMED, "Unknown token field '" + names.group(1) + "'.");
                }
            }
        }
        Matcher se = SE.matcher(token);
        if (deviations.contains(Deviation.SAS_NO_CLOCK_SKEW) && se.find() && Long.parseLong(se.group(1)) < now.getEpochSecond()) {
            return refused(outcome, TokenVerdict.Failure.EXPIRED, "The specified SAS token has expired.");
        }
        return outcome;
    }

    private static CbsNode.Outcome refused(CbsNode.Outcome outcome, TokenVerdict.Failure failure, String description) {
        return outcome.withVerdict(new TokenVerdict.Refused(failure, description));
    }
}
