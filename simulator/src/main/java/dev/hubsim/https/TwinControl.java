package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.TwinState;
import dev.hubsim.twin.Twins;

import java.util.function.Function;

/**
 * The control API's twins, as the back end would use them but without tier throttling: {@code GET
 * /hubsim/twins/{id}[/modules/{mid}]} reads the twin (the service API's JSON), {@code PATCH .../desired} and
 * {@code PATCH .../tags} merge the body (a JSON object) into that section, with an optional {@code If-Match};
 * subscribed devices get a desired change at once. Errors as the service API's twins give them.
 */
final class TwinControl {
    private final Twins twins;
    private final Function<TwinState, ObjectNode> render;

    /** @param render the twin as {@code GET /twins/{id}} shows it */
    TwinControl(Twins twins, Function<TwinState, ObjectNode> render) {
        this.twins = twins;
        this.render = render;
    }

    /** {@code p} is the path below {@code /hubsim/}, starting with {@code twins}; null when no twin route matches. */
    ResponseDefinition serve(String method, String[] p, Request request) {
        boolean module = p.length >= 4 && p[2].equals("modules");
        int end = module ? 4 : 2;
        if (p.length < 2 || p.length > end + 1) {
            return null;
        }
        TwinKey key = module ? TwinKey.module(PercentEncoding.decode(p[1]), PercentEncoding.decode(p[3])) : TwinKey.device(PercentEncoding.decode(p[1]));
        String section = p.length == end ? null : p[end];
        try {
            if (section == null && method.equals("GET")) {
                return ok(twins.get(key));
            }
            if ("desired".equals(section) && method.equals("PATCH")) {
                return ok(twins.patch(key, null, patch(request), request.getHeader("If-Match")));
            }
            if ("tags".equals(section) && method.equals("PATCH")) {
                return ok(twins.patch(key, patch(request), null, request.getHeader("If-Match")));
            }
        } catch (TwinException e) {
            return TwinApi.refused(e, key);
        }
        return null;
    }

    private ResponseDefinition ok(TwinState twin) {
        return HubHttpErrors.json(200, Json.write(render.apply(twin)));
    }

    /** The body: one JSON object, the patch itself ({@code {"fan":2}}; null removes a key). */
    private static JsonNode patch(Request request) {
        if (request.getBody() == null || request.getBody().length == 0) {
            throw new TwinException(TwinException.Reason.INVALID, "The request body must be the patch, a JSON object such as {\"fan\":2}");
        }
        if (request.getBody().length > RegistryApi.MAX_BODY_BYTES) {
            throw new TwinException(TwinException.Reason.INVALID, "The request body is " + request.getBody().length + " bytes; at most "
                    + RegistryApi.MAX_BODY_BYTES);
        }
        try {
            return Json.MAPPER.readTree(request.getBody());
        } catch (java.io.IOException e) {
            throw new TwinException(TwinException.Reason.INVALID, "The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
