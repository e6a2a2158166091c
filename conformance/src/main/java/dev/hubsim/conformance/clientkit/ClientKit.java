package dev.hubsim.conformance.clientkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.conformance.client.AdapterChannel;
import io.cucumber.core.cli.Main;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs the client features (features/client) against one adapter, with reports in {@code target/client-kit/<name>/}:
 * cucumber.html, cucumber.json, cucumber-junit.xml and statements.json (PASS / FAIL / NOT APPLICABLE per statement).
 */
public final class ClientKit {
    /** What the glue of the running kit works with; one run at a time. */
    record Run(AdapterChannel adapter, ImpHub hub, Set<String> capabilities) {
    }

    /** The statements only checked through the deviceSdk capability (features/client/device-sdk.feature). */
    public static final java.util.List<String> DEVICE_SDK_STATEMENTS = java.util.List.of("IMP-WIRE-001", "IMP-WIRE-002", "IMP-FLOW-002");

    private static volatile Run current;
    private static ImpHub hub;

    /** The outcome: each statement's verdict and the failures' expected-vs-observed messages. */
    public record Result(String adapter, Map<String, String> verdicts, JsonNode report, Path dir) {
        public boolean mustFailed() {
            return report.path("statements").properties().stream()
                    .anyMatch(e -> e.getValue().path("strength").asText().equals("MUST") && e.getValue().path("verdict").asText().equals("FAIL"));
        }

        public String failures() {
            StringBuilder b = new StringBuilder();
            report.path("statements").properties().forEach(e -> e.getValue().path("failures").forEach(f ->
                    b.append(e.getKey()).append(": ").append(f.asText()).append('\n')));
            return b.toString();
        }
    }

    private ClientKit() {
    }

    static Run current() {
        return current;
    }

    /** One simulator for the JVM: starting one costs seconds. */
    static synchronized ImpHub hub() throws Exception {
        if (hub == null) {
            hub = new ImpHub();
            Runtime.getRuntime().addShutdownHook(new Thread(hub::close));
        }
        return hub;
    }

    public static Result run(String name, AdapterChannel adapter) throws Exception {
        return run(name, adapter, hub());
    }

    public static synchronized Result run(String name, AdapterChannel adapter, ImpHub hub) throws Exception {
        Path dir = Path.of("target", "client-kit", name.replaceAll("[^A-Za-z0-9._-]", "_"));
        Files.createDirectories(dir);
        System.setProperty("cucumber.publish.quiet", "true");
        current = new Run(adapter, hub, adapter.capabilities());
        try {
            Main.run(new String[] {
                    "--glue", "dev.hubsim.conformance.clientkit",
                    "--plugin", "html:" + dir.resolve("cucumber.html"),
                    "--plugin", "json:" + dir.resolve("cucumber.json"),
                    "--plugin", "junit:" + dir.resolve("cucumber-junit.xml"),
                    "--plugin", "dev.hubsim.conformance.client.ClientStatementReport:" + dir,
                    "--monochrome",
                    "../features/client"}, ClientKit.class.getClassLoader());
        } finally {
            current = null;
        }
        return read(name, dir);
    }

    private static Result read(String name, Path dir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(dir.resolve("statements.json").toFile());
        Map<String, String> verdicts = new LinkedHashMap<>();
        report.path("statements").properties().forEach(e -> verdicts.put(e.getKey(), e.getValue().path("verdict").asText()));
        return new Result(name, verdicts, report, dir);
    }
}
