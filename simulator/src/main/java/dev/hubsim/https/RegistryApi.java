package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.registry.Hub;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The hub's device registry over HTTPS, as the Java service SDK's {@code RegistryClient} calls it
 * (real-clients.md §3.8): {@code PUT}, {@code GET}, {@code DELETE /devices/{id}}, {@code GET /devices},
 * {@code GET /statistics/devices}, each checked against the SAS token's RegistryRead / RegistryWrite permission.
 */
final class RegistryApi extends NamedTransformer {
    public static final String NAME = "hubsim-registry";
    /** API versions the SDKs send; others are served with a warning. */
    static final Set<String> KNOWN_API_VERSIONS = Set.of("2021-04-12", "2020-09-30", "2020-06-30", "2020-03-13", "2019-10-01", "2018-06-30");
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final String NEVER = "0001-01-01T00:00:00Z";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Hub hub;
    private final TokenValidator tokens;
    private final Predicate<String> connected;
    private final ToIntFunction<String> queuedCloudToDevice;
    private final Throttling throttling;

    public RegistryApi(Hub hub, TokenValidator tokens, Predicate<String> connected, ToIntFunction<String> queuedCloudToDevice, Throttling throttling) {
        super(NAME);
        this.throttling = throttling;
        this.hub = hub;
        this.tokens = tokens;
        this.connected = connected;
        this.queuedCloudToDevice = queuedCloudToDevice;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = HttpAuth.path(request);
        String method = request.getMethod().getName();
        ResponseDefinition refusal = HttpAuth.checkRegistry(request, tokens);
        if (refusal != null) {
            return refusal;
        }
        String[] parts = path.split("/");
        String deviceId = parts.length >= 3 && parts[1].equals("devices") ? PercentEncoding.decode(parts[2]) : null;
        long wait = throttling.admit(Operation.REGISTRY, deviceId, 1, 0);
        if (wait < 0) {
            LOG.info("registry {} {} throttled: {}", method, path, Throttling.refusal(wait).errorName());
            return throttled(wait);
        }
        return shaped(serve(request, path, method), wait);
    }

    /** A registry operation's refusal by the throttle: IoT Hub's 429 (or 403) with the numeric code in the nested form. */
    static ResponseDefinition throttled(long answer) {
        Refusal refusal = Throttling.refusal(answer);
        return HubHttpErrors.coded(refusal.httpStatus(), refusal.errorCode(), refusal.errorName(), refusal.describe(Operation.REGISTRY));
    }

    /** Traffic shaping: the answer comes when the operation's turn at the tier's rate comes. */
    static ResponseDefinition shaped(ResponseDefinition response, long waitNanos) {
        return waitNanos == 0 ? response
                : ResponseDefinitionBuilder.like(response).withFixedDelay((int) Math.min(Integer.MAX_VALUE, waitNanos / 1_000_000)).build();
    }

    private ResponseDefinition serve(Request request, String path, String method) {
        String apiVersion = request.queryParameter("api-version").isPresent() ? request.queryParameter("api-version").firstValue() : null;
        if (apiVersion == null || !KNOWN_API_VERSIONS.contains(apiVersion)) {
            LOG.warn("registry request with api-version {} (not one the SDKs send); serving it anyway", apiVersion);
        }
        if (path.equals("/statistics/devices") && method.equals("GET")) {
            long enabled = hub.registry().devices().stream().filter(Device::enabled).count();
            return HubHttpErrors.json(200, "{\"totalDeviceCount\":" + hub.registry().devices().size() + ",\"enabledDeviceCount\":" + enabled
                    + ",\"disabledDeviceCount\":" + (hub.registry().devices().size() - enabled) + "}");
        }
        if (path.equals("/devices") || path.equals("/devices/")) {
            if (!method.equals("GET")) {
                return HubHttpErrors.error(405, "InvalidOperation", method + " is not allowed on /devices");
            }
            ArrayNode all = Json.MAPPER.createArrayNode();
            hub.registry().devices().forEach(d -> all.add(toJson(d)));
            return HubHttpErrors.json(200, Json.write(all));
        }
        String[] segments = path.split("/");
        if (segments.length != 3 || !segments[1].equals("devices")) {
            return HubHttpErrors.error(404, "InvalidRequestPath", "The path '" + path + "' is not part of the registry API");
        }
        String deviceId = PercentEncoding.decode(segments[2]);
        return switch (method) {
            case "GET" -> hub.registry().device(deviceId).map(d -> HubHttpErrors.json(200, Json.write(toJson(d))))
                    .orElseGet(() -> notFound(deviceId));
            case "PUT" -> put(request, deviceId);
            case "DELETE" -> delete(request, deviceId);
            default -> HubHttpErrors.error(405, "InvalidOperation", method + " is not allowed on a device");
        };
    }

    private ResponseDefinition put(Request request, String deviceId) {
        String contentType = request.contentTypeHeader().isPresent() ? request.contentTypeHeader().mimeTypePart() : null;
        if (contentType == null || !contentType.equalsIgnoreCase("application/json")) {
            return HubHttpErrors.error(400, "InvalidProtocolVersion", "Content-Type must be application/json, not " + contentType);
        }
        if (request.getBody().length > MAX_BODY_BYTES) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is " + request.getBody().length + " bytes; at most " + MAX_BODY_BYTES);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.getBody());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body cannot be read: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body must be a JSON object describing the device");
        }
        String bodyId = body.path("deviceId").asText(null);
        if (bodyId != null && !bodyId.equals(deviceId)) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "deviceId '" + bodyId + "' in the body does not match '" + deviceId + "' in the path");
        }
        Optional<Device> existing = hub.registry().device(deviceId);
        String ifMatch = request.getHeader("If-Match");
        if (existing.isPresent() && ifMatch == null) {
            return HubHttpErrors.error(409, "DeviceAlreadyExists", "A device with ID '" + deviceId + "' is already registered");
        }
        if (existing.isEmpty() && ifMatch != null && !isStar(ifMatch)) {
            return notFound(deviceId);
        }
        if (existing.isPresent() && !etagMatches(ifMatch, deviceId)) {
            return HubHttpErrors.error(412, "PreconditionFailed", "The etag " + ifMatch + " does not match the device's current etag");
        }
        JsonNode keys = body.path("authentication").path("symmetricKey");
        String primary = keyOr(keys.path("primaryKey").asText(null), existing.map(Device::primaryKey).orElse(null));
        String secondary = keyOr(keys.path("secondaryKey").asText(null), existing.map(Device::secondaryKey).orElse(null));
        if (primary == null || secondary == null) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "A symmetric key is not valid base64 of at least 16 bytes");
        }
        DeviceStatus status;
        try {
            status = body.hasNonNull("status") ? DeviceStatus.parse(body.get("status").asText()) : existing.map(Device::status).orElse(DeviceStatus.ENABLED);
        } catch (IllegalArgumentException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", e.getMessage());
        }
        String generation = existing.map(Device::generationId).orElseGet(() -> Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000_000_000L)));
        Device device = new Device(deviceId, primary, secondary, status, generation);
        hub.registry().put(device);
        return HubHttpErrors.json(200, Json.write(toJson(device)));
    }

    private ResponseDefinition delete(Request request, String deviceId) {
        if (hub.registry().device(deviceId).isEmpty()) {
            return notFound(deviceId);
        }
        if (!etagMatches(request.getHeader("If-Match"), deviceId)) {
            return HubHttpErrors.error(412, "PreconditionFailed", "The etag " + request.getHeader("If-Match") + " does not match the device's current etag");
        }
        hub.registry().remove(deviceId);
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    /** {@code *} or the current etag, quoted or not (the Java SDK sends {@code *} unquoted, real-clients.md §3.8). */
    private boolean etagMatches(String ifMatch, String deviceId) {
        if (ifMatch == null || isStar(ifMatch)) {
            return true;
        }
        return unquote(ifMatch).equals(hub.registry().etag(deviceId));
    }

    static boolean isStar(String ifMatch) {
        return unquote(ifMatch).equals("*");
    }

    static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    /** The given key when it is valid, the existing one when none is given, a new one otherwise; null when invalid. */
    static String keyOr(String given, String existing) {
        if (given == null || given.isEmpty()) {
            if (existing != null) {
                return existing;
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            return Base64.getEncoder().encodeToString(raw);
        }
        try {
            return Base64.getDecoder().decode(given).length >= 16 ? given : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ResponseDefinition notFound(String deviceId) {
        return HubHttpErrors.error(404, "DeviceNotFound", "Device '" + deviceId + "' is not registered");
    }

    private ObjectNode toJson(Device d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("deviceId", d.deviceId());
        n.put("generationId", d.generationId());
        n.put("etag", hub.registry().etag(d.deviceId()));
        n.put("connectionState", connected.test(d.deviceId()) ? "Connected" : "Disconnected");
        n.put("status", d.status().json());
        n.putNull("statusReason");
        n.put("connectionStateUpdatedTime", NEVER);
        n.put("statusUpdatedTime", NEVER);
        n.put("lastActivityTime", NEVER);
        n.put("cloudToDeviceMessageCount", queuedCloudToDevice.applyAsInt(d.deviceId()));
        ObjectNode auth = n.putObject("authentication");
        auth.putObject("symmetricKey").put("primaryKey", d.primaryKey()).put("secondaryKey", d.secondaryKey());
        auth.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
        auth.put("type", "sas");
        n.putObject("capabilities").put("iotEdge", false);
        return n;
    }
}
