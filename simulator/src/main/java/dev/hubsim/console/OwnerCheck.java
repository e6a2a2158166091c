package dev.hubsim.console;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;

import java.time.Duration;
import java.time.Instant;

/** The control API's authorisation, shared by its HTTP routes and the console's live stream: an iothubowner SAS token. */
public final class OwnerCheck {
    /** Granted until {@code expiresAt}, which is {@code validFor} away on the hub's clock; or refused with a description. */
    public record Verdict(Instant expiresAt, Duration validFor, String refusal) {
        public boolean granted() {
            return refusal == null;
        }

        static Verdict refused(String why) {
            return new Verdict(null, null, why);
        }
    }

    private final TokenValidator tokens;

    public OwnerCheck(TokenValidator tokens) {
        this.tokens = tokens;
    }

    public Verdict check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Verdict.refused("the control API needs an iothubowner SharedAccessSignature in Authorization");
        }
        TokenVerdict verdict = tokens.validate(authorization, null, Claim.Method.SASL_PLAIN);
        if (verdict instanceof TokenVerdict.Refused refused) {
            return Verdict.refused(refused.description());
        }
        Claim claim = ((TokenVerdict.Granted) verdict).claim();
        if (claim.kind() != Claim.Kind.POLICY || !claim.identity().equalsIgnoreCase("iothubowner")) {
            return Verdict.refused("the control API needs the iothubowner policy, not '" + claim.identity() + "'");
        }
        // The hub's clock, which tests may move: the stream closes when the hub says the token expired.
        return new Verdict(claim.expiresAt(), Duration.between(tokens.clock().instant(), claim.expiresAt()), null);
    }
}
