package dev.hubsim.https;

import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Throttling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Module;
import dev.hubsim.registry.ModuleRegistry;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Module identities over HTTPS (reference/iothub-twin-methods-mqtt.md §5.4): {@code PUT}, {@code GET}, {@code DELETE
 * /devices/{id}/modules/{mid}} and {@code GET /devices/{id}/modules}, with the module JSON the service SDKs parse and
 * the documented errors (404 DeviceNotFound / ModuleNotFound, 409 ModuleAlreadyExistsOnDevice, 412 PreconditionFailed,
 * 413 TooManyModulesOnDevice).
 */
final class ModulesApi extends NamedTransformer {
    public static final String NAME = "hubsim-modules";

    private final Hub hub;
    private final TokenValidator tokens;
    private final Predicate<String> connected;

    private final Throttling throttling;

    ModulesApi(Hub hub, TokenValidator tokens, Predicate<String> connected, Throttling throttling) {
        super(NAME);
        this.throttling = throttling;
        this.hub = hub;
        this.tokens = tokens;
        this.connected = connected;
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
        String[] s = path.split("/");
        String deviceId = PercentEncoding.decode(s[2]);
        long wait = throttling.admit(Operation.REGISTRY, deviceId, 1, 0);
        if (wait < 0) {
            return RegistryApi.throttled(wait);
        }
        return RegistryApi.shaped(serve(request, method, s, deviceId), wait);
    }

    private ResponseDefinition serve(Request request, String method, String[] s, String deviceId) {
        if (hub.registry().device(deviceId).isEmpty()) {
            return HubHttpErrors.error(404, "DeviceNotFound", "Device '" + deviceId + "' is not registered");
        }
        if (s.length == 4) {
            if (!method.equals("GET")) {
                return HubHttpErrors.error(405, "InvalidOperation", method + " is not allowed on /devices/{id}/modules");
            }
            ArrayNode all = Json.MAPPER.createArrayNode();
            hub.registry().modules().of(deviceId).forEach(m -> all.add(toJson(m)));
            return HubHttpErrors.json(200, Json.write(all));
        }
        String moduleId = PercentEncoding.decode(s[4]);
        Optional<Module> existing = hub.registry().modules().module(deviceId, moduleId);
        return switch (method) {
            case "GET" -> existing.map(m -> HubHttpErrors.json(200, Json.write(toJson(m)))).orElseGet(() -> notFound(deviceId, moduleId));
            case "PUT" -> put(request, deviceId, moduleId, existing);
            case "DELETE" -> delete(request, deviceId, moduleId, existing);
            default -> HubHttpErrors.error(405, "InvalidOperation", method + " is not allowed on a module");
        };
    }

    private ResponseDefinition put(Request request, String deviceId, String moduleId, Optional<Module> existing) {
        if (!ModuleRegistry.VALID_ID.matcher(moduleId).matches()) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "Module ID '" + moduleId + "' is longer than 128 characters or has characters"
                    + " IoT Hub does not allow (ASCII letters, digits and - . + % _ # * ? ! ( ) , = @ $ ')");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.getBody());
        } catch (java.io.IOException e) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body is not valid JSON: " + e.getMessage());
        }
        if (request.getBody().length > RegistryApi.MAX_BODY_BYTES || body == null || !body.isObject()) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "The request body must be a JSON object describing the module, at most "
                    + RegistryApi.MAX_BODY_BYTES + " bytes");
        }
        String bodyDevice = body.path("deviceId").asText(null);
        String bodyModule = body.path("moduleId").asText(null);
        if (bodyDevice != null && !bodyDevice.equals(deviceId) || bodyModule != null && !bodyModule.equals(moduleId)) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "deviceId/moduleId '" + bodyDevice + "/" + bodyModule
                    + "' in the body do not match '" + deviceId + "/" + moduleId + "' in the path");
        }
        String ifMatch = request.getHeader("If-Match");
        if (existing.isPresent() && ifMatch == null) {
            return HubHttpErrors.error(409, "ModuleAlreadyExistsOnDevice", "A module with ID '" + moduleId + "' already exists on device '"
                    + deviceId + "'");
        }
        if (existing.isEmpty() && ifMatch != null && !RegistryApi.isStar(ifMatch)) {
            return notFound(deviceId, moduleId);
        }
        if (existing.isPresent() && !etagMatches(ifMatch, deviceId, moduleId)) {
            return HubHttpErrors.error(412, "PreconditionFailed", "The etag " + ifMatch + " does not match the module's current etag");
        }
        if (existing.isEmpty() && hub.registry().modules().of(deviceId).size() >= ModuleRegistry.MAX_MODULES_PER_DEVICE) {
            return HubHttpErrors.error(413, "TooManyModulesOnDevice", "Device '" + deviceId + "' already has "
                    + ModuleRegistry.MAX_MODULES_PER_DEVICE + " modules, the most a device may have");
        }
        JsonNode keys = body.path("authentication").path("symmetricKey");
        String primary = RegistryApi.keyOr(keys.path("primaryKey").asText(null), existing.map(Module::primaryKey).orElse(null));
        String secondary = RegistryApi.keyOr(keys.path("secondaryKey").asText(null), existing.map(Module::secondaryKey).orElse(null));
        if (primary == null || secondary == null) {
            return HubHttpErrors.error(400, "ArgumentInvalid", "A symmetric key is not valid base64 of at least 16 bytes");
        }
        String generation = existing.map(Module::generationId)
                .orElseGet(() -> Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000_000_000L)));
        String managedBy = body.hasNonNull("managedBy") ? body.get("managedBy").asText() : existing.map(Module::managedBy).orElse(null);
        Module module = new Module(deviceId, moduleId, primary, secondary, generation, managedBy);
        hub.registry().modules().put(module);
        return HubHttpErrors.json(200, Json.write(toJson(module)));
    }

    private ResponseDefinition delete(Request request, String deviceId, String moduleId, Optional<Module> existing) {
        if (existing.isEmpty()) {
            return notFound(deviceId, moduleId);
        }
        if (!etagMatches(request.getHeader("If-Match"), deviceId, moduleId)) {
            return HubHttpErrors.error(412, "PreconditionFailed", "The etag " + request.getHeader("If-Match")
                    + " does not match the module's current etag");
        }
        hub.registry().modules().remove(deviceId, moduleId);
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    private boolean etagMatches(String ifMatch, String deviceId, String moduleId) {
        return ifMatch == null || RegistryApi.isStar(ifMatch) || RegistryApi.unquote(ifMatch).equals(hub.registry().modules().etag(deviceId, moduleId));
    }

    private static ResponseDefinition notFound(String deviceId, String moduleId) {
        return HubHttpErrors.error(404, "ModuleNotFound", "Module '" + moduleId + "' of device '" + deviceId + "' is not registered");
    }

    private ObjectNode toJson(Module m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("deviceId", m.deviceId());
        n.put("moduleId", m.moduleId());
        n.put("managedBy", m.managedBy());
        n.put("generationId", m.generationId());
        n.put("etag", hub.registry().modules().etag(m.deviceId(), m.moduleId()));
        n.put("connectionState", connected.test(m.deviceId() + "/" + m.moduleId()) ? "Connected" : "Disconnected");
        n.put("connectionStateUpdatedTime", RegistryApi.NEVER);
        n.put("lastActivityTime", RegistryApi.NEVER);
        n.put("cloudToDeviceMessageCount", 0);
        ObjectNode auth = n.putObject("authentication");
        auth.putObject("symmetricKey").put("primaryKey", m.primaryKey()).put("secondaryKey", m.secondaryKey());
        auth.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
        auth.put("type", "sas");
        return n;
    }
}
