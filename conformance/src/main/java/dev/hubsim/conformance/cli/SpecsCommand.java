package dev.hubsim.conformance.cli;

import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.EndpointTarget;
import dev.hubsim.conformance.target.HubTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hubsim kit specs --device-connection-string ... --service-connection-string ...}: the hub specs against an endpoint. */
@Command(name = "specs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the hub specs (features/hub) against an IoT Hub endpoint (a real hub, or ./hubsim running elsewhere) "
                + "through its connection strings; scenarios that need the simulator's control are NOT APPLICABLE."})
public final class SpecsCommand implements Callable<Integer> {
    @Option(names = "--device-connection-string", required = true, paramLabel = "STRING",
            description = "HostName=...;DeviceId=...;SharedAccessKey=... Repeatable: the specs use up to three devices.")
    List<String> devices;

    @Option(names = "--service-connection-string", required = true, paramLabel = "STRING",
            description = "A policy with ServiceConnect: HostName=...;SharedAccessKeyName=service;SharedAccessKey=...")
    String service;

    @Option(names = "--host", paramLabel = "HOST", description = "Connect here instead of the connection strings' HostName.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "AMQPS port. Default: 5671")
    Integer port;

    @Option(names = "--mqtts-port", paramLabel = "PORT", description = "MQTT-over-TLS port of the same host. Default: 8883")
    Integer mqttsPort;

    @Option(names = "--https-port", paramLabel = "PORT", description = "HTTPS port of the service API (direct methods). Default: 443")
    Integer httpsPort;

    @Option(names = "--trust-store", paramLabel = "FILE", description = "PKCS12 trust store for the endpoint's TLS (./hubsim's info file names it). Default: the JVM's.")
    String trustStore;

    @Option(names = "--trust-store-password", paramLabel = "PASSWORD")
    String trustStorePassword;

    @Option(names = "--hub-name", paramLabel = "NAME", description = "The hub's name. Default: the first label of the HostName.")
    String hubName;

    @Option(names = "--reports", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}")
    Path reports = Path.of("hubsim-kit-reports", "hub-specs");

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("deviceConnectionStrings", String.join(",", devices));
        settings.put("serviceConnectionString", service);
        settings.put("host", host);
        settings.put("port", port == null ? null : port.toString());
        settings.put("mqttsPort", mqttsPort == null ? null : mqttsPort.toString());
        settings.put("httpsPort", httpsPort == null ? null : httpsPort.toString());
        settings.put("trustStore", trustStore);
        settings.put("trustStorePassword", trustStorePassword);
        settings.put("hubName", hubName);
        SpecsResult result;
        try (HubTarget target = EndpointTarget.fromSettings(settings::get).orElseThrow()) {
            result = HubSpecs.run(target, reports, List.of("classpath:hubsim-features/hub"), null, true);
        }
        System.out.println("hubsim specs: reports in " + reports.toAbsolutePath());
        if (!result.withVerdict("fail", "MUST").isEmpty()) {
            System.out.print(result.describe(result.withVerdict("fail", "MUST")));
            return 1;
        }
        return result.withVerdict("pass", "MUST").isEmpty() ? KitCommand.NO_VERDICT : 0;
    }
}
