package dev.hubsim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * What a running simulator tells its users, as printed and as written to {@code --info-file}: ports, trust material
 * and working connection strings, including the Event Hubs connection string of the built-in Event Hub-compatible
 * endpoint (TLS, and plain AMQP for the Event Hubs client's {@code UseDevelopmentEmulator=true} mode).
 * {@code controlAuthorization} is an {@code iothubowner} SAS token, valid for a year, for the control API.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulatorInfo(String hubName, String hostName, List<String> hostNames, Map<String, Integer> ports,
                            String caCertificatePem, String trustStore, String trustStorePassword,
                            List<DeviceEntry> devices, List<PolicyEntry> policies, String controlAuthorization,
                            String eventHubCompatibleName, String eventHubCompatibleEndpoint,
                            String eventHubConnectionString, String eventHubDevelopmentEmulatorConnectionString,
                            List<String> eventHubPartitionIds, List<String> eventHubConsumerGroups, List<ModuleEntry> modules) {

    public record DeviceEntry(String deviceId, String connectionString, String primaryKey) {
    }

    /** A module identity: {@code HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=...}, as ModuleClient takes it. */
    public record ModuleEntry(String deviceId, String moduleId, String connectionString, String primaryKey) {
    }

    public record PolicyEntry(String name, String connectionString, String primaryKey) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
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
        return JSON.readValue(file.toFile(), SimulatorInfo.class);
    }
}
