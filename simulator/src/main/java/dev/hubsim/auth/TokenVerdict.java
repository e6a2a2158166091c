package dev.hubsim.auth;

/** The answer to a presented token: a claim, or a refusal with the CBS status code and a description. */
public sealed interface TokenVerdict {
    record Granted(Claim claim) implements TokenVerdict {
    }

    /**
     * @param statusCode  401 for a token that does not prove access, 400 for a request that is not a token request
     * @param description what exactly was wrong, never the key
     */
    record Refused(int statusCode, String description) implements TokenVerdict {
    }
}
