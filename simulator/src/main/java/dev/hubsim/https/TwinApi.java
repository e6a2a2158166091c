package dev.hubsim.https;

import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Permission;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.TwinState;
import dev.hubsim.twin.Twins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The twins of the hub's service REST API (reference/iothub-twin-methods-mqtt.md §5.2): {@code GET}, {@code PATCH}
 * (also {@code POST} with {@code X-HTTP-Method-Override: PATCH}, as the Java service SDK sends it) and {@code PUT} of
 * {@code /twins/{id}} and {@code /twins/{id}/modules/{mid}}, with {@code If-Match} against the twin's etag; a
 * desired change reaches subscribed devices at once. Reads need ServiceConnect or RegistryRead, writes ServiceConnect
 * or RegistryWrite. Reported properties in a request body are ignored: only the device writes them.
 */
final class TwinApi extends NamedTransformer {
    public static final String NAME = "hubsim-twins";
    /** What the stub matches: the twin paths, not {@code /twins/{id}/methods}. */
    static final String PATH_PATTERN = "/twins/[^/]+(/modules/[^/]+)?/?";
    private static final String NEVER = "0001-01-01T00:00:00Z";
    private static final Logger LOG = LoggerFactory.getLogger(TwinApi.class);

    private final Hub hub;
    private final TokenValidator tokens;
    private final Twins twins;
    private final Predicate<String> connected;
    private final ToIntFunction<String> queuedCloudToDevice;

    private final Throttling throttling;

    TwinApi(Hub hub, TokenValidator tokens, Twins twins, Predicate<String> connected, ToIntFunction<String> queuedCloudToDevice,
            Throttling throttling) {
        super(NAME);
        this.throttling = throttling;
        this.hub = hub;
        this.tokens = tokens;
        this.twins = twins;
        this.connected = connected;
        this.queuedCloudToDevice = queuedCloudToDevice;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String method = request.getMethod().getName();
        String override = request.getHeader("X-HTTP-Method-Override");
        if (method.equals("POST") && override != null) {
            method = override.trim().toUpperCase(java.util.Locale.ROOT);
        }
        boolean write = !method.equals("GET");
        ResponseDefinition refusal = authorise(request, write);
        if (refusal != null) {
            return refusal;
        }
        String apiVersion = request.queryParameter("api-version").isPresent() ? request.queryParameter("api-version").firstValue() : null;
        if (apiVersion == null || !RegistryApi.KNOWN_API_VERSIONS.contains(apiVersion)) {
            LOG.warn("twin request with api-version {} (not one the SDKs send); serving it anyway", apiVersion);
        }
        String[] s = request.getUrl().split("\\?", 2)[0].split("/");
        TwinKey key = s.length >= 5 ? TwinKey.module(PercentEncoding.decode(s[2]), PercentEncoding.decode(s[4]))
                : TwinKey.device(PercentEncoding.decode(s[2]));
        Operation op = write ? Operation.TWIN_UPDATE : Operation.TWIN_READ;
        long wait = throttling.admit(op, key.deviceId(), 1, 0);
        if (wait < 0) {
            Refusal throttled = Throttling.refusal(wait);
            return HubHttpErrors.coded(throttled.httpStatus(), throttled.errorCode(), throttled.errorName(), throttled.describe(op));
        }
        return RegistryApi.shaped(serve(request, method, key), wait);
    }

    private ResponseDefinition serve(Request request, String method, TwinKey key) {
        try {
            return switch (method) {
                case "GET" -> ok(twins.get(key));
                case "PATCH", "PUT" -> change(request, key, method.equals("PUT"));
                default -> HubHttpErrors.error(405, "InvalidOperation", method + " is not allowed on a twin; use GET, PATCH or PUT");
            };
        } catch (TwinException e) {
            return refused(e, key);
        }
    }

    /** The REST answer to a refused twin operation: 404 DeviceNotFound / ModuleNotFound, 412 or 400 ArgumentInvalid. */
    static ResponseDefinition refused(TwinException e, TwinKey key) {
        return switch (e.reason()) {
            case NOT_FOUND -> HubHttpErrors.error(404, key.isModule() ? "ModuleNotFound" : "DeviceNotFound", e.getMessage());
            case PRECONDITION_FAILED -> HubHttpErrors.error(412, "PreconditionFailed", e.getMessage());
            case INVALID -> HubHttpErrors.error(400, "ArgumentInvalid", e.getMessage());
        };
    }

    private ResponseDefinition change(Request request, TwinKey key, boolean replace) {
        if (request.getBody().length > RegistryApi.MAX_BODY_BYTES) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is " + request.getBody().length + " bytes; at most "
                    + RegistryApi.MAX_BODY_BYTES);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.getBody());
        } catch (java.io.IOException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body must be a JSON object with tags and/or properties.desired");
        }
        JsonNode tags = present(body.get("tags"));
        JsonNode desired = present(body.path("properties").get("desired"));
        String ifMatch = request.getHeader("If-Match");
        if (replace) {
            return ok(twins.replace(key, tags, desired, ifMatch));
        }
        if (tags == null && desired == null) {
            return ok(twins.get(key));
        }
        return ok(twins.patch(key, tags, desired, ifMatch));
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private ResponseDefinition authorise(Request request, boolean write) {
        return HttpAuth.checkAny(request, tokens, Permission.SERVICE_CONNECT, write ? Permission.REGISTRY_WRITE : Permission.REGISTRY_READ);
    }

    private ResponseDefinition ok(TwinState twin) {
        return HubHttpErrors.json(200, Json.write(toJson(twin)));
    }

    /** The twin as the service API shows it (reference §3.1): identity and registry fields, tags, properties. */
    ObjectNode toJson(TwinState twin) {
        TwinKey key = twin.key();
        Optional<Device> device = hub.registry().device(key.deviceId());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("deviceId", key.deviceId());
        if (key.isModule()) {
            n.put("moduleId", key.moduleId());
        }
        n.put("etag", twin.etag());
        n.put("deviceEtag", hub.registry().etag(key.deviceId()));
        n.put("status", device.map(d -> d.status().json()).orElse("enabled"));
        n.put("statusUpdateTime", NEVER);
        n.put("connectionState", connected.test(key.deviceId()) ? "Connected" : "Disconnected");
        n.put("lastActivityTime", NEVER);
        n.put("cloudToDeviceMessageCount", key.isModule() ? 0 : queuedCloudToDevice.applyAsInt(key.deviceId()));
        n.put("authenticationType", "sas");
        n.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
        n.put("version", twin.version());
        n.set("tags", twin.tags());
        ObjectNode properties = n.putObject("properties");
        properties.set("desired", twin.desired());
        properties.set("reported", twin.reported());
        n.putObject("capabilities").put("iotEdge", false);
        return n;
    }
}
