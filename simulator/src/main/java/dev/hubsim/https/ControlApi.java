package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.c2d.EnqueueResult;
import dev.hubsim.codec.C2dMessages;
import dev.hubsim.console.OwnerCheck;
import dev.hubsim.console.TelemetryJson;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.faults.Scope;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.trace.ConnectionTrace;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The simulator's control and inspection API for tests, CI scripts and people, under {@code /hubsim/}: health,
 * connections, telemetry, traces, cloud-to-device injection and purge, every fault kind, reset, twins
 * ({@link TwinControl}) and direct methods ({@link MethodControl}). Everything but
 * {@code GET /hubsim/health} needs an {@code iothubowner} SAS token in {@code Authorization}.
 */
final class ControlApi extends NamedTransformer {
    public static final String NAME = "hubsim-control";
    public static final String PREFIX = "/hubsim/";

    private final OwnerCheck owner;
    private final TwinControl twins;
    private final MethodControl methods;
    private final AtomicReference<ControlTarget> simulator = new AtomicReference<>();

    ControlApi(OwnerCheck owner, TwinControl twins, MethodControl methods) {
        super(NAME);
        this.owner = owner;
        this.twins = twins;
        this.methods = methods;
    }

    /** The simulator exists only once everything started; until then the API answers 503. */
    public void bind(ControlTarget running) {
        simulator.set(running);
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = request.getUrl().split("\\?", 2)[0].substring(PREFIX.length());
        String method = request.getMethod().getName();
        ControlTarget hub = simulator.get();
        if (hub == null) {
            return HubHttpErrors.error(503, "ServiceUnavailable", "the simulator is still starting");
        }
        if (path.equals("health") && method.equals("GET")) {
            return HubHttpErrors.json(200, Json.write(Map.of("status", "ready", "ports", hub.ports())));
        }
        ResponseDefinition refusal = ownerOnly(request);
        if (refusal != null) {
            return refusal;
        }
        String[] p = path.split("/");
        try {
            if (method.equals("GET") && p[0].equals("traces") && p.length == 1) {
                return HubHttpErrors.json(200, Json.write(traces(hub)));
            }
            if (method.equals("GET") && p[0].equals("connections")) {
                return HubHttpErrors.json(200, Json.write(hub.connections()));
            }
            if (method.equals("GET") && p[0].equals("telemetry") && p.length == 2) {
                return HubHttpErrors.json(200, Json.write(telemetry(hub, PercentEncoding.decode(p[1]))));
            }
            if (method.equals("GET") && p[0].equals("trace") && p.length == 2) {
                Optional<ConnectionTrace> trace = hub.traces().connection(p[1]);
                if (trace.isEmpty()) {
                    return HubHttpErrors.error(404, "NotFound", "no trace for connection '" + p[1] + "'");
                }
                boolean text = request.queryParameter("format").isPresent() && request.queryParameter("format").firstValue().equals("text");
                return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                        .withHeader("Content-Type", text ? "text/plain; charset=utf-8" : "application/x-ndjson")
                        .withBody(text ? trace.get().toText() : trace.get().toJsonLines()).build();
            }
            if (method.equals("POST") && p[0].equals("c2d") && p.length == 3 && p[2].equals("purge")) {
                return HubHttpErrors.json(200, "{\"purged\":" + hub.cloudToDevice().purge(PercentEncoding.decode(p[1])) + "}");
            }
            if (method.equals("POST") && p[0].equals("c2d") && p.length == 2) {
                return inject(hub, PercentEncoding.decode(p[1]), body(request));
            }
            if (method.equals("POST") && p[0].equals("faults") && p.length == 2) {
                return HubHttpErrors.json(200, "{\"affected\":" + fault(hub.faults(), p[1], body(request)) + "}");
            }
            if (method.equals("GET") && p[0].equals("throttling") && p.length == 1) {
                return HubHttpErrors.json(200, Json.write(throttling(hub.throttling())));
            }
            ResponseDefinition served = p[0].equals("twins") ? twins.serve(method, p, request)
                    : p[0].equals("methods") ? methods.serve(method, p, request) : null;
            if (served != null) {
                return served;
            }
            if (method.equals("POST") && p[0].equals("reset")) {
                hub.reset();
                return HubHttpErrors.json(200, "{\"reset\":true}");
            }
        } catch (IllegalArgumentException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", e.getMessage());
        }
        return HubHttpErrors.error(404, "NotFound", method + " " + PREFIX + path + " is not part of the control API");
    }

    private ResponseDefinition ownerOnly(Request request) {
        OwnerCheck.Verdict verdict = owner.check(request.getHeader("Authorization"));
        return verdict.granted() ? null : HubHttpErrors.error(401, "IotHubUnauthorizedAccess", verdict.refusal());
    }

    private static JsonNode body(Request request) {
        if (request.getBody() == null || request.getBody().length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(request.getBody());
            if (!node.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage());
        }
    }

    /** Every trace kept, live connections' and the most recent closed ones', oldest first: id, address, open, identities. */
    private static ArrayNode traces(ControlTarget hub) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (ConnectionTrace t : hub.traces().connections()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = out.addObject().put("connectionId", t.connectionId())
                    .put("remoteAddress", t.remoteAddress()).put("open", t.isOpen());
            t.identities().stream().sorted().forEach(n.putArray("identities")::add);
        }
        return out;
    }

    private static ArrayNode telemetry(ControlTarget hub, String deviceId) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (StoredEvent event : hub.events(deviceId)) {
            out.add(TelemetryJson.of(Json.MAPPER, event));
        }
        return out;
    }

    private static ResponseDefinition inject(ControlTarget hub, String deviceId, JsonNode body) {
        Message m = Proton.message();
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        if (body.hasNonNull("messageId")) {
            m.setMessageId(body.get("messageId").asText());
        }
        Map<String, Object> props = new LinkedHashMap<>();
        body.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        if (body.hasNonNull("ack")) {
            props.put("iothub-ack", body.get("ack").asText());
        }
        m.setApplicationProperties(new ApplicationProperties(props));
        m.setBody(new Data(new Binary(body.path("body").asText("").getBytes(StandardCharsets.UTF_8))));
        EnqueueResult result = hub.cloudToDevice().enqueue(C2dMessages.of(m));
        if (result instanceof EnqueueResult.Refused refused) {
            return HubHttpErrors.error(400, refused.condition().wireName(), refused.description());
        }
        return HubHttpErrors.json(201, "{\"sequenceNumber\":" + ((EnqueueResult.Enqueued) result).sequenceNumber() + "}");
    }

    private static int fault(HubFaults faults, String kind, JsonNode b) {
        Scope scope = new Scope(text(b, "deviceId"), text(b, "connectionId"), text(b, "path"));
        String condition = text(b, "condition");
        String description = text(b, "description");
        switch (kind) {
            case "drop-connection":
                return b.path("abrupt").asBoolean(false) ? faults.resetConnections(scope)
                        : faults.closeConnections(scope, condition != null ? condition : "amqp:connection:forced", description);
            case "expire-claims":
                return faults.expireClaims(scope);
            case "refuse-attaches":
                faults.refuseNextAttaches(scope, b.path("count").asInt(1), required(condition, "condition"), description);
                return b.path("count").asInt(1);
            case "redirect-attaches":
                faults.redirectNextAttaches(scope, b.path("count").asInt(1), text(b, "hostname"), text(b, "networkHost"), b.path("port").asInt(5671),
                        required(text(b, "address"), "address"));
                return b.path("count").asInt(1);
            case "set-credit":
                return faults.setCredit(scope, b.path("credit").asInt(0));
            case "grant-credit":
                return faults.grantCredit(scope, required(b.hasNonNull("credit") ? b.get("credit").asInt() : null, "credit"));
            case "delay-cbs-replies":
                faults.delayCbsReplies(scope, Duration.ofMillis(b.path("delayMs").asLong()));
                return 1;
            case "drop-cbs-replies":
                faults.dropCbsReplies(scope, b.path("count").asInt(1));
                return b.path("count").asInt(1);
            case "delay-dispositions":
                faults.delayDispositions(scope, Duration.ofMillis(b.path("delayMs").asLong()));
                return 1;
            case "reject-transfers":
                faults.rejectNextTransfers(scope, b.path("count").asInt(1), required(condition, "condition"), description);
                return b.path("count").asInt(1);
            case "throttle":
                faults.throttleNext(text(b, "deviceId"), Operation.parse(required(text(b, "operation"), "operation")), b.path("count").asInt(1));
                return b.path("count").asInt(1);
            case "exhaust-quota":
                faults.exhaustDailyQuota();
                return 1;
            case "clear":
                faults.clear();
                return 0;
            default:
                throw new IllegalArgumentException("unknown fault '" + kind + "' (drop-connection, expire-claims, refuse-attaches, redirect-attaches, "
                        + "set-credit, grant-credit, delay-cbs-replies, drop-cbs-replies, delay-dispositions, reject-transfers, throttle, exhaust-quota, clear)");
        }
    }

    /** {@code {tier, units, rates: {d2c: 100.0, ...}, dailyQuota, dailyQuotaUsed, throttled: {device1: {d2c: 3}}}}. */
    private static ObjectNode throttling(ThrottlingView view) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ThrottleSettings settings = view.settings();
        n.put("tier", settings.on() ? settings.tier().name() : null);
        n.put("units", settings.units());
        if (settings.on()) {
            ObjectNode rates = n.putObject("rates");
            for (Operation op : Operation.values()) {
                rates.put(op.wireName(), view.rate(op));
            }
            n.put("dailyQuota", view.dailyQuota());
        }
        n.put("dailyQuotaUsed", view.dailyQuotaUsed());
        n.set("throttled", Json.MAPPER.valueToTree(view.throttledCounts()));
        return n;
    }

    private static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.get(field).asText() : null;
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("the field '" + field + "' is required for this fault");
        }
        return value;
    }
}
