package dev.hubsim.https;

import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.registry.Permission;

/** The {@code Authorization: SharedAccessSignature ...} check of the hub's REST API: a policy token with the permission. */
final class HttpAuth {
    private HttpAuth() {
    }

    /** The registry's check: PUT and DELETE need RegistryWrite, every other method RegistryRead. */
    static ResponseDefinition checkRegistry(Request request, TokenValidator tokens) {
        String method = request.getMethod().getName();
        boolean write = method.equals("PUT") || method.equals("DELETE");
        return check(request, tokens, write ? Permission.REGISTRY_WRITE : Permission.REGISTRY_READ);
    }

    /** The request's path, without its query. */
    static String path(Request request) {
        return request.getUrl().split("\\?", 2)[0];
    }

    /** Null when the token grants any of {@code permissions}; else the 401 answer for the first. */
    static ResponseDefinition checkAny(Request request, TokenValidator tokens, Permission... permissions) {
        ResponseDefinition first = null;
        for (Permission p : permissions) {
            ResponseDefinition refusal = check(request, tokens, p);
            if (refusal == null) {
                return null;
            }
            first = first == null ? refusal : first;
        }
        return first;
    }

    /** Null when the request may go on; else the 401 answer saying why. */
    static ResponseDefinition check(Request request, TokenValidator tokens, Permission needed) {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return HubHttpErrors.error(401, "IotHubUnauthorizedAccess", "The request has no Authorization header with a SharedAccessSignature");
        }
        TokenVerdict verdict = tokens.validate(header, null, Claim.Method.SASL_PLAIN);
        if (verdict instanceof TokenVerdict.Refused refused) {
            return HubHttpErrors.error(401, "IotHubUnauthorizedAccess", refused.description());
        }
        Claim claim = ((TokenVerdict.Granted) verdict).claim();
        if (claim.kind() != Claim.Kind.POLICY || !claim.permissions().contains(needed) || !claim.scope().isHubRoot()) {
            return HubHttpErrors.error(401, "IotHubUnauthorizedAccess", "The token of '" + claim.identity() + "' does not grant "
                    + needed.documentedName() + " at hub scope");
        }
        return null;
    }
}
