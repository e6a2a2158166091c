package dev.hubsim.conformance.run;

import dev.hubsim.conformance.report.StatementReport;
import dev.hubsim.conformance.target.HubTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs hub specs against one target and returns the statement verdicts. A run executes its scenarios on the calling
 * thread (Cucumber's single-threaded runtime), so the target is handed to the step definitions through a thread-local:
 * several runs, each on its own thread against its own target, may go at once in one JVM (the mutation matrix does).
 */
public final class HubSpecs {
    public static final String GLUE = "dev.hubsim.conformance.steps";
    /** Scenarios that take minutes by design (a 60 s lock, a token lapsing past a real hub's grace): only on request. */
    public static final String NOT_SLOW = "not @slow";
    private static final ThreadLocal<HubTarget> TARGET = new ThreadLocal<>();

    private HubSpecs() {
    }

    /** The target of the run in progress on this thread, for the step definitions. */
    public static HubTarget target() {
        HubTarget target = TARGET.get();
        if (target == null) {
            throw new IllegalStateException("no hub specs run in progress on this thread: start the specs through HubSpecs.run");
        }
        return target;
    }

    /**
     * Runs the features (files or directories) selected by {@code tags} (null: all) against {@code hub}, writing
     * Cucumber HTML, JSON and JUnit XML and statements.json to {@code reports}, which is emptied first so that no
     * earlier run's verdicts can be read back. A run that wrote no statement summary fails.
     */
    public static SpecsResult run(HubTarget hub, Path reports, List<Path> features, String tags) throws Exception {
        return run(hub, reports, features, tags, true);
    }

    /**
     * The same; without {@code everyReport} only statements.json is written (the kit's self-test runs the specs many
     * times over and reads nothing else; Cucumber's HTML, JSON and JUnit writers cost a tenth of a run).
     */
    public static SpecsResult run(HubTarget hub, Path reports, List<Path> features, String tags, boolean everyReport) throws Exception {
        return run(hub, reports, features.stream().map(Path::toString).toList(), tags, everyReport);
    }

    /** The same with features as Cucumber names them: file paths, or {@code classpath:hubsim-features/hub} (packed in the kit). */
    public static SpecsResult run(HubTarget hub, Path reports, java.util.Collection<String> features, String tags, boolean everyReport)
            throws Exception {
        clear(reports);
        TARGET.set(hub);
        try {
            System.out.println("hubsim specs: target " + hub.describe());
            List<String> args = new ArrayList<>(List.of("--glue", GLUE, "--monochrome",
                    "--plugin", StatementReport.class.getName() + ":" + reports));
            if (everyReport) {
                args.addAll(List.of("--plugin", "html:" + reports.resolve("cucumber.html"),
                        "--plugin", "json:" + reports.resolve("cucumber.json"),
                        "--plugin", "junit:" + reports.resolve("cucumber-junit.xml")));
            }
            if (tags != null) {
                args.add("--tags");
                args.add(tags);
            }
            args.addAll(features);
            // Cucumber's own exit status counts SHOULD failures too; the verdict comes from the statements instead.
            io.cucumber.core.cli.Main.run(args.toArray(String[]::new), Thread.currentThread().getContextClassLoader());
            Path summary = reports.resolve(StatementReport.FILE_NAME);
            try {
                return SpecsResult.read(summary);
            } catch (NoSuchFileException e) {
                throw new IllegalStateException("the run against " + hub.describe() + " wrote no statement summary (" + summary
                        + "): see the console for 'hubsim specs: no statement summary'", e);
            }
        } finally {
            TARGET.remove();
        }
    }

    private static void clear(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> walk = Files.walk(directory)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(directory);
    }
}
