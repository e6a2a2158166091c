package dev.hubsim.conformance.clientkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.conformance.client.AdapterChannel;
import dev.hubsim.conformance.client.ClientStatementReport;
import dev.hubsim.conformance.client.HubSide;
import dev.hubsim.conformance.embedded.ImpHub;
import dev.hubsim.conformance.report.FeatureProgress;
import dev.hubsim.conformance.report.HtmlReport;
import io.cucumber.core.cli.Main;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the client features against one adapter and one hub, with reports in the directory given: report.html,
 * statements.json (PASS / FAIL / NOT APPLICABLE / UNCHECKED per statement, with the evidence of each failure),
 * cucumber.html, cucumber.json and cucumber-junit.xml.
 */
public final class ClientKit {
    /** Every client feature, as packed in the kit (the build copies features/ into hubsim-features/). */
    public static final String FEATURES = "classpath:hubsim-features/client";

    /** What the glue of the running kit works with: one run at a time on each thread (Cucumber runs its glue on the caller's). */
    record Run(AdapterChannel adapter, HubSide hub, Set<String> capabilities, int protocolVersion) {
    }

    /** The statements only checked through the deviceSdk capability (features/client/device-sdk.feature). */
    public static final List<String> DEVICE_SDK_STATEMENTS = List.of("IMP-WIRE-001", "IMP-WIRE-002", "IMP-FLOW-002");

    private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();
    private static ImpHub shared;

    /** The run's verdict: all MUST statements checked passed (exit 0), one failed (1), none was checked (2). */
    public enum Outcome {
        PASS(0), FAIL(1), NO_VERDICT(2);

        public final int exitStatus;

        Outcome(int exitStatus) {
            this.exitStatus = exitStatus;
        }
    }

    /** The outcome: each statement's verdict and the failures' expected-vs-observed messages. */
    public record Result(String adapter, Map<String, String> verdicts, JsonNode report, Path dir) {
        public boolean mustFailed() {
            return count("MUST", "FAIL") > 0;
        }

        /** MUST statements that got a verdict (PASS or FAIL). */
        public int mustChecked() {
            return count("MUST", "PASS") + count("MUST", "FAIL");
        }

        public int count(String strength, String verdict) {
            return (int) report.path("statements").properties().stream().filter(e -> e.getValue().path("strength").asText().equals(strength)
                    && e.getValue().path("verdict").asText().equals(verdict)).count();
        }

        public Outcome outcome() {
            return mustFailed() ? Outcome.FAIL : mustChecked() == 0 ? Outcome.NO_VERDICT : Outcome.PASS;
        }

        public String failures() {
            StringBuilder b = new StringBuilder();
            report.path("statements").properties().forEach(e -> e.getValue().path("failures").forEach(f ->
                    b.append(e.getKey()).append(": ").append(f.path("scenario").asText()).append(": ")
                            .append(f.path("message").asText()).append('\n')));
            return b.toString();
        }
    }

    private ClientKit() {
    }

    static Run current() {
        Run run = CURRENT.get();
        if (run == null) {
            throw new IllegalStateException("no client kit run in progress: start it through ClientKit.run");
        }
        return run;
    }

    /** One embedded hub for the JVM, on a free port: starting one costs seconds. */
    public static synchronized HubSide sharedHub() throws Exception {
        if (shared == null) {
            shared = new ImpHub();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** Every client feature against the adapter, on the shared hub, reports under target/client-kit/NAME. */
    public static Result run(String name, AdapterChannel adapter) throws Exception {
        return run(name, adapter, sharedHub());
    }

    public static Result run(String name, AdapterChannel adapter, HubSide hub) throws Exception {
        return run(adapter, hub, Path.of("target", "client-kit", slug(name)), List.of(FEATURES), null, false);
    }

    /**
     * Runs {@code features} (feature files or directories, {@code classpath:} or file paths), the scenarios {@code tags}
     * selects (a Cucumber tag expression; null: all), against the adapter and the hub, writes the reports to {@code dir};
     * {@code progress} prints a line per feature on stdout. Runs on different threads may go at once, each against a
     * hub of its own (the imp limits count per client, and the kit's clients are the same devices).
     */
    public static Result run(AdapterChannel adapter, HubSide hub, Path dir, List<String> features, String tags,
                             boolean progress) throws Exception {
        Files.createDirectories(dir);
        long started = System.nanoTime();
        java.time.Instant start = java.time.Instant.now();
        System.setProperty("cucumber.publish.quiet", "true");
        CURRENT.set(new Run(adapter, hub, adapter.capabilities(), adapter.protocolVersion()));
        try {
            List<String> args = new ArrayList<>(List.of(
                    "--glue", ClientSteps.class.getPackageName(),
                    "--plugin", "html:" + dir.resolve("cucumber.html"),
                    "--plugin", "json:" + dir.resolve("cucumber.json"),
                    "--plugin", "junit:" + dir.resolve("cucumber-junit.xml"),
                    "--plugin", ClientStatementReport.class.getName() + ":" + dir,
                    "--monochrome", "--no-summary"));
            if (progress) {
                args.addAll(List.of("--plugin", FeatureProgress.class.getName()));
            }
            if (tags != null) {
                args.addAll(List.of("--tags", tags));
            }
            args.addAll(features);
            // Cucumber's own exit status counts SHOULD failures too; the verdict comes from the statements instead.
            Main.run(args.toArray(String[]::new), ClientKit.class.getClassLoader());
        } finally {
            CURRENT.remove();
        }
        Result result = read(adapter.hello().path("name").asText(), dir);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("adapter", result.adapter());
        facts.put("protocol version", Integer.toString(adapter.protocolVersion()));
        facts.put("capabilities", String.join(", ", adapter.capabilities()));
        facts.put("hub", hub.amqpsUrl() + " (" + hub.hubName() + ")");
        facts.put("features", String.join(", ", features) + (tags == null ? "" : " (scenarios: " + tags + ")"));
        facts.put("started", start.toString());
        facts.put("took", String.format("%.1f s", (System.nanoTime() - started) / 1e9));
        facts.put("outcome", result.outcome() + " (exit status " + result.outcome().exitStatus + "): " + result.count("MUST", "PASS")
                + " MUST pass, " + result.count("MUST", "FAIL") + " MUST fail, " + result.count("MUST", "NOT APPLICABLE")
                + " MUST not applicable; " + result.count("SHOULD", "PASS") + " SHOULD pass, " + result.count("SHOULD", "FAIL") + " SHOULD fail");
        HtmlReport.write(dir, "hubsim client kit: " + result.adapter(), facts, result.report());
        return result;
    }

    /** A directory name for an adapter: its hello's name with anything but letters, digits, dot, dash and underscore as '_'. */
    public static String slug(String name) {
        String s = name.trim().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "adapter" : s;
    }

    private static Result read(String name, Path dir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(dir.resolve(ClientStatementReport.FILE_NAME).toFile());
        Map<String, String> verdicts = new LinkedHashMap<>();
        report.path("statements").properties().forEach(e -> verdicts.put(e.getKey(), e.getValue().path("verdict").asText()));
        return new Result(name, verdicts, report, dir);
    }
}
