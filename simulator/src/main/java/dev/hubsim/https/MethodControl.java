package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodOutcome;
import dev.hubsim.methods.MethodTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * The control API's direct methods: {@code POST /hubsim/methods/{id}[/modules/{mid}]/{name}} invokes a method with the
 * body as its JSON payload (none when empty) and the query's {@code responseTimeoutInSeconds} and
 * {@code connectTimeoutInSeconds}, with the rules and answers of {@code POST /twins/{id}/methods} but no tier
 * throttling; {@code GET /hubsim/methods} (also {@code /hubsim/methods/calls}) lists the recorded calls, {@code DELETE
 * /hubsim/methods/calls} forgets them.
 */
final class MethodControl {
    private final DirectMethods methods;

    MethodControl(DirectMethods methods) {
        this.methods = methods;
    }

    /** {@code p} is the path below {@code /hubsim/}, starting with {@code methods}; null when no methods route matches. */
    ResponseDefinition serve(String method, String[] p, Request request) {
        boolean calls = p.length == 1 || p.length == 2 && p[1].equals("calls");
        if (calls && method.equals("GET")) {
            return HubHttpErrors.json(200, Json.write(calls()));
        }
        if (p.length == 2 && p[1].equals("calls") && method.equals("DELETE")) {
            return HubHttpErrors.json(200, "{\"cleared\":" + methods.reset() + "}");
        }
        boolean module = p.length == 5 && p[2].equals("modules");
        if (method.equals("POST") && (p.length == 3 || module)) {
            MethodTarget target = new MethodTarget(PercentEncoding.decode(p[1]), module ? PercentEncoding.decode(p[3]) : null);
            return invoke(target, PercentEncoding.decode(p[p.length - 1]), request);
        }
        return null;
    }

    private ResponseDefinition invoke(MethodTarget target, String name, Request request) {
        byte[] payload = null;
        if (request.getBody() != null && request.getBody().length > 0) {
            try {
                JsonNode json = Json.MAPPER.readTree(request.getBody());
                payload = json == null || json.isMissingNode() ? null : Json.write(json).getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return HubHttpErrors.errorWithCode(400, "ArgumentInvalid", 400004, "The payload is not valid JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        try {
            Duration response = seconds(request, "responseTimeoutInSeconds");
            Duration connect = seconds(request, "connectTimeoutInSeconds");
            return MethodsApi.answer(methods.invoke(target, name, payload, response, connect).get());
        } catch (NumberFormatException e) {
            return HubHttpErrors.errorWithCode(400, "ArgumentInvalid", 400004,
                    "responseTimeoutInSeconds and connectTimeoutInSeconds must be whole numbers of seconds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HubHttpErrors.error(503, "ServiceUnavailable", "The hub is shutting down");
        } catch (ExecutionException e) {
            return HubHttpErrors.error(500, "ServerError", "The method call failed: " + e.getCause());
        }
    }

    /** The query parameter in seconds, null when absent (the hub's default). */
    private static Duration seconds(Request request, String name) {
        QueryParameter q = request.queryParameter(name);
        return q.isPresent() ? Duration.ofSeconds(Long.parseLong(q.firstValue())) : null;
    }

    /** The recorded calls, oldest first: the device's status and payload, or the hub's error. */
    private ArrayNode calls() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (DirectMethods.Call c : methods.calls()) {
            ObjectNode n = out.addObject();
            n.put("deviceId", c.target().deviceId());
            n.put("moduleId", c.target().moduleId());
            n.put("methodName", c.methodName());
            n.put("requestId", c.requestId() == null ? null : c.requestId().toString());
            if (c.outcome() instanceof MethodOutcome.Answered a) {
                n.put("answered", true);
                n.put("status", a.status());
                n.put("payload", new String(a.payload(), StandardCharsets.UTF_8));
            } else if (c.outcome() instanceof MethodOutcome.Failed f) {
                n.put("answered", false);
                n.put("status", f.httpStatus());
                n.put("errorCode", f.code());
                n.put("message", f.message());
            }
        }
        return out;
    }
}
