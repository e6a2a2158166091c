package dev.hubsim.conformance.run;

import dev.hubsim.conformance.report.StatementReport;
import dev.hubsim.conformance.target.HubTarget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs hub specs against one target and returns the statement verdicts. The target is handed to the step
 * definitions through {@link #target()}; runs in one JVM go one after another.
 */
public final class HubSpecs {
    public static final String GLUE = "dev.hubsim.conformance.steps";
    private static HubTarget target;

    private HubSpecs() {
    }

    /** The target of the run in progress, for the step definitions. */
    public static synchronized HubTarget target() {
        if (target == null) {
            throw new IllegalStateException("no hub specs run in progress: start the specs through HubSpecs.run");
        }
        return target;
    }

    /**
     * Runs the features (files or directories) selected by {@code tags} (null: all) against {@code hub}, writing
     * Cucumber HTML, JSON and JUnit XML and statements.json to {@code reports}.
     */
    public static synchronized SpecsResult run(HubTarget hub, Path reports, List<Path> features, String tags) throws Exception {
        return run(hub, reports, features.stream().map(Path::toString).toList(), tags);
    }

    /** The same with features as Cucumber names them: file paths, or {@code classpath:hubsim-features/hub} (packed in the kit). */
    public static synchronized SpecsResult run(HubTarget hub, Path reports, java.util.Collection<String> features, String tags) throws Exception {
        target = hub;
        try {
            System.out.println("hubsim specs: target " + hub.describe());
            List<String> args = new ArrayList<>(List.of("--glue", GLUE, "--monochrome",
                    "--plugin", "html:" + reports.resolve("cucumber.html"),
                    "--plugin", "json:" + reports.resolve("cucumber.json"),
                    "--plugin", "junit:" + reports.resolve("cucumber-junit.xml"),
                    "--plugin", StatementReport.class.getName() + ":" + reports));
            if (tags != null) {
                args.add("--tags");
                args.add(tags);
            }
            args.addAll(features);
            // Cucumber's own exit status counts SHOULD failures too; the verdict comes from the statements instead.
            io.cucumber.core.cli.Main.run(args.toArray(String[]::new), Thread.currentThread().getContextClassLoader());
            return SpecsResult.read(reports.resolve(StatementReport.FILE_NAME));
        } finally {
            target = null;
        }
    }
}
