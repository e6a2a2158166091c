package dev.hubsim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.SharedAccessPolicy;
import dev.hubsim.tls.TlsMaterial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a running simulator tells its users, as printed and as written to {@code --info-file}: ports, trust material
 * and working connection strings, including the Event Hubs connection string of the built-in Event Hub-compatible
 * endpoint (TLS, and plain AMQP for the Event Hubs client's {@code UseDevelopmentEmulator=true} mode).
 * {@code controlAuthorization} is an {@code iothubowner} SAS token, valid for a year, for the control API;
 * {@code consoleUrl} the browser console's address.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulatorInfo(String hubName, String hostName, List<String> hostNames, Map<String, Integer> ports,
                            String caCertificatePem, String trustStore, String trustStorePassword,
                            List<DeviceEntry> devices, List<PolicyEntry> policies, String controlAuthorization,
                            String eventHubCompatibleName, String eventHubCompatibleEndpoint,
                            String eventHubConnectionString, String eventHubDevelopmentEmulatorConnectionString,
                            List<String> eventHubPartitionIds, List<String> eventHubConsumerGroups, String consoleUrl,
                            List<ModuleEntry> modules) {

    /** What this simulator tells its users. */
    static SimulatorInfo of(HubSimulator simulator, EventHubEndpoint eventHub) {
        Hub hub = simulator.hub();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("amqps", simulator.amqpsPort());
        ports.put("amqp", simulator.amqpPort());
        ports.put("mqtts", simulator.mqttsPort());
        if (simulator.mqttPort() >= 0) {
            ports.put("mqtt", simulator.mqttPort());
        }
        ports.put("websocket", simulator.httpsPort());
        ports.put("https", simulator.httpsPort());
        SharedAccessPolicy ehPolicy = eventHubPolicy(hub);
        TlsMaterial tls = simulator.tls();
        return new SimulatorInfo(hub.name(), hub.primaryHostName(), hub.hostNames(), ports,
                tls.caCertificatePem() == null ? null : tls.caCertificatePem().toAbsolutePath().toString(),
                tls.trustStore() == null ? null : tls.trustStore().toAbsolutePath().toString(),
                tls.trustStorePassword(),
                hub.registry().devices().stream().map(d -> new DeviceEntry(d.deviceId(),
                        simulator.deviceConnectionString(d.deviceId()), d.primaryKey())).toList(),
                hub.registry().policies().stream().map(p -> new PolicyEntry(p.name(),
                        simulator.policyConnectionString(p.name()), p.primaryKey())).toList(),
                hub.registry().policy("iothubowner").map(p -> simulator.policyToken(p.name(), Duration.ofDays(365))).orElse(null),
                eventHub.settings().name(), eventHub.endpoint(),
                ehPolicy == null ? null : eventHub.connectionString(ehPolicy),
                ehPolicy == null ? null : eventHub.developmentEmulatorConnectionString(ehPolicy),
                eventHub.settings().partitionIds(), eventHub.settings().consumerGroups(), simulator.consoleUrl(),
                hub.registry().modules().all().stream().map(m -> new ModuleEntry(m.deviceId(), m.moduleId(),
                        simulator.moduleConnectionString(m.deviceId(), m.moduleId()), m.primaryKey())).toList());
    }

    /** The policy whose key the printed Event Hub connection string uses: {@code service}, else any with ServiceConnect. */
    private static SharedAccessPolicy eventHubPolicy(Hub hub) {
        return hub.registry().policy("service").filter(p -> p.allows(Permission.SERVICE_CONNECT))
                .or(() -> hub.registry().policies().stream().filter(p -> p.allows(Permission.SERVICE_CONNECT)).findFirst())
                .orElse(null);
    }

    public record DeviceEntry(String deviceId, String connectionString, String primaryKey) {
    }

    /** A module identity: {@code HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=...}, as ModuleClient takes it. */
    public record ModuleEntry(String deviceId, String moduleId, String connectionString, String primaryKey) {
    }

    public record PolicyEntry(String name, String connectionString, String primaryKey) {
    }

    /** Made on the first write or read, not when the ready line is printed (Jackson is a few hundred classes). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written to a temporary file and moved into place, so a reader polling for the file never sees half of it. */
    public void writeTo(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".hubsim-info", ".tmp");
            Files.writeString(tmp, toJson());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write info file " + file, e);
        }
    }

    public static SimulatorInfo readFrom(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), SimulatorInfo.class);
    }
}
