package dev.hubsim.console;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;

import java.time.Instant;

/** The control API's authorisation, shared by its HTTP routes and the console's live stream: an iothubowner SAS token. */
public final class OwnerCheck {
    /** Granted until {@code expiresAt}, or refused with a description. */
    public record Verdict(Instant expiresAt, String refusal) {
        public boolean granted() {
            return refusal == null;
        }
    }

    private final TokenValidator tokens;

    public OwnerCheck(TokenValidator tokens) {
        this.tokens = tokens;
    }

    public Verdict check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Verdict(null, "the control API needs an iothubowner SharedAccessSignature in Authorization");
        }
        TokenVerdict verdict = tokens.validate(authorization, null, Claim.Method.SASL_PLAIN);
        if (verdict instanceof TokenVerdict.Refused refused) {
            return new Verdict(null, refused.description());
        }
        Claim claim = ((TokenVerdict.Granted) verdict).claim();
        if (claim.kind() != Claim.Kind.POLICY || !claim.identity().equalsIgnoreCase("iothubowner")) {
            return new Verdict(null, "the control API needs the iothubowner policy, not '" + claim.identity() + "'");
        }
        return new Verdict(claim.expiresAt(), null);
    }
}
