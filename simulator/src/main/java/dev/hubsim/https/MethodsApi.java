package dev.hubsim.https;

import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodOutcome;
import dev.hubsim.methods.MethodTarget;
import dev.hubsim.registry.Permission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * Direct methods over HTTPS (reference/iothub-twin-methods-mqtt.md §5.3): {@code POST /twins/{id}/methods} and
 * {@code POST /twins/{id}/modules/{mid}/methods} (trailing slash or not) with {@code methodName}, {@code payload},
 * {@code responseTimeoutInSeconds} (default 30, 5-300) and {@code connectTimeoutInSeconds} (default 0, 0-300), a
 * ServiceConnect token; 200 with {@code {"status":..,"payload":..}} from the device, or the hub's error with its
 * numeric code in the body (404103 DeviceNotOnline, 504101 GatewayTimeout, ...). The request's thread waits for the
 * outcome, as the hub holds the HTTP call open.
 */
final class MethodsApi extends NamedTransformer {
    public static final String NAME = "hubsim-methods";
    /** The paths this API serves, for the stub. */
    static final String PATH_PATTERN = "/twins/[^/]+(/modules/[^/]+)?/methods/?";

    private final TokenValidator tokens;
    private final DirectMethods methods;
    private final Throttling throttling;

    MethodsApi(TokenValidator tokens, DirectMethods methods, Throttling throttling) {
        super(NAME);
        this.tokens = tokens;
        this.methods = methods;
        this.throttling = throttling;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        if (!request.getMethod().getName().equals("POST")) {
            return HubHttpErrors.error(405, "InvalidOperation", request.getMethod().getName() + " is not allowed on methods; use POST");
        }
        ResponseDefinition refusal = HttpAuth.check(request, tokens, Permission.SERVICE_CONNECT);
        if (refusal != null) {
            return refusal;
        }
        String[] s = request.getUrl().split("\\?", 2)[0].split("/");
        MethodTarget target = new MethodTarget(PercentEncoding.decode(s[2]), s.length >= 6 ? PercentEncoding.decode(s[4]) : null);
        JsonNode body;
        try {
            body = request.getBody().length == 0 ? null : Json.MAPPER.readTree(request.getBody());
        } catch (IOException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is not valid JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body must be a JSON object with methodName and payload");
        }
        Duration response = seconds(body, "responseTimeoutInSeconds");
        Duration connect = seconds(body, "connectTimeoutInSeconds");
        if (response == BAD || connect == BAD) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "responseTimeoutInSeconds and connectTimeoutInSeconds must be whole numbers of seconds");
        }
        JsonNode payload = body.has("payload") ? body.get("payload") : null;
        byte[] payloadBytes = payload == null ? null : Json.write(payload).getBytes(StandardCharsets.UTF_8);
        // Metered in 4 KB units of payload (reference/iothub-twin-methods-mqtt.md §7.1); each call a message for the quota.
        int size = payloadBytes == null ? 0 : payloadBytes.length;
        long wait = throttling.admit(Operation.METHOD, target.deviceId(), Math.max(1, (size + 4095) / 4096), Math.max(1, size));
        if (wait < 0) {
            Refusal throttled = Throttling.refusal(wait);
            return HubHttpErrors.errorWithCode(throttled.httpStatus(), throttled.errorName(), throttled.errorCode(), throttled.describe(Operation.METHOD));
        }
        MethodOutcome outcome;
        try {
            // Traffic shaping: the call goes to the device when its turn at the tier's rate comes (the HTTP call is held open anyway).
            TimeUnit.NANOSECONDS.sleep(wait);
            outcome = methods.invoke(target, body.path("methodName").asText(null), payloadBytes, response, connect).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HubHttpErrors.error(503, "ServiceUnavailable", "The hub is shutting down");
        } catch (ExecutionException e) {
            return HubHttpErrors.error(500, "ServerError", "The method call failed: " + e.getCause());
        }
        return answer(outcome);
    }

    /** 200 with {@code {"status":..,"payload":..}} from the device, or the hub's error with its numeric code. */
    static ResponseDefinition answer(MethodOutcome outcome) {
        if (outcome instanceof MethodOutcome.Failed failed) {
            return HubHttpErrors.errorWithCode(failed.httpStatus(), failed.errorCode(), failed.code(), failed.message());
        }
        MethodOutcome.Answered answered = (MethodOutcome.Answered) outcome;
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("status", answered.status());
        result.set("payload", devicePayload(answered.payload()));
        return HubHttpErrors.json(200, Json.write(result));
    }

    private static final Duration BAD = Duration.ofSeconds(-1);

    /** The field in seconds, null when absent, {@link #BAD} when not a whole number. */
    private static Duration seconds(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        return n.canConvertToLong() && n.isIntegralNumber() ? Duration.ofSeconds(n.asLong()) : BAD;
    }

    /** The device's payload as JSON; text that is not JSON is passed on as a JSON string; nothing is {@code null}. */
    private static JsonNode devicePayload(byte[] bytes) {
        if (bytes.length == 0) {
            return Json.MAPPER.nullNode();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
