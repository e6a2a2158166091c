package dev.hubsim.conformance.clientkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.conformance.cli.KitCommand;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs an adapter process through the kit's command line, as a user would, and reads back the report it wrote. */
final class AdapterRuns {
    static final Path REPORTS = Path.of("target", "client-kit", "cli");

    /** What one CLI run left: its exit status, the adapter's report directory and its statement verdicts. */
    record Run(int exitStatus, Path dir, Map<String, String> verdicts, JsonNode report) {
        String failures() {
            return report.path("statements").toString();
        }
    }

    private AdapterRuns() {
    }

    /** Runs the kit on the adapter; its reports are the directory whose name starts with {@code dirPrefix} (from its hello). */
    static Run kit(String adapter, File dir, String dirPrefix) throws Exception {
        for (Path old : adapterDirs(dirPrefix)) {
            try (Stream<Path> files = Files.walk(old)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        int status = KitCommand.commandLine().execute("client", "--adapter", adapter, "--dir", dir.getPath(), "--reports", REPORTS.toString(),
                "--timeout", System.getProperty("hubsim.clientkit.timeoutSeconds", "10"));
        List<Path> written = adapterDirs(dirPrefix);
        assertEquals(1, written.size(), "one report directory for the adapter: " + written);
        assertTrue(Files.exists(written.get(0).resolve("report.html")), "report.html in " + written);
        JsonNode report = new ObjectMapper().readTree(written.get(0).resolve("statements.json").toFile());
        Map<String, String> verdicts = new LinkedHashMap<>();
        report.path("statements").properties().forEach(e -> verdicts.put(e.getKey(), e.getValue().path("verdict").asText()));
        return new Run(status, written.get(0), verdicts, report);
    }

    private static List<Path> adapterDirs(String prefix) {
        if (!Files.isDirectory(REPORTS)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(REPORTS)) {
            return dirs.filter(d -> Files.isDirectory(d) && d.getFileName().toString().startsWith(prefix)).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every checked statement passes but those named NOT APPLICABLE (the adapter lacks what they need). */
    static void expectPassExcept(Run run, List<String> notApplicable) {
        run.verdicts().forEach((id, verdict) -> {
            if (notApplicable.contains(id)) {
                assertEquals("NOT APPLICABLE", verdict, id);
            } else if (!verdict.equals("UNCHECKED")) {
                assertEquals("PASS", verdict, id + ": " + run.report().path("statements").path(id));
            }
        });
        assertEquals(0, run.exitStatus(), "exit status of a run where every MUST statement checked passed");
    }

    /**
     * A runtime an example adapter needs: under CI (CI=true) its absence fails the test, since .ci/run installs it and
     * no stack may be skipped there; elsewhere the test is skipped with the reason.
     */
    static void requireRuntime(boolean present, String whatIsMissing) {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        org.junit.jupiter.api.Assumptions.assumeTrue(present || ci, whatIsMissing);
        assertTrue(present, whatIsMissing + ", and CI=true: .ci/run should have installed it");
    }

    /** Runs a command to completion (output to target/&lt;log&gt;); false when it cannot start or fails. */
    static boolean run(File dir, String log, String... command) throws Exception {
        try {
            // Not inheritIO: the command must not read the surefire fork's stdin, which carries surefire's own commands.
            Process p = new ProcessBuilder(command).directory(dir).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", log))).start();
            p.getOutputStream().close();
            return p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
