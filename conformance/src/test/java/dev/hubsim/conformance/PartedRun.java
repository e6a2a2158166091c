package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.report.StatementReport;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.HubTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of every hub feature against a departing simulator, in parts that go at once, each part against a simulator
 * of its own that departs alike. A run is mostly waiting (a token lapsing, a lock timing out, credit regenerating, a
 * method call timing out, and a departure's scenario waiting in vain for what the hub never sends); in parts, those
 * waits pass side by side. The parts' verdicts merge into the one run's: a statement's verdict depends only on the
 * statuses of all its scenarios, wherever they ran.
 */
final class PartedRun {
    static final Path FEATURES = Path.of("../features/hub");
    /** The features with the longest waits, spread over parts; every feature not named here goes into the last part. */
    private static final List<List<String>> NAMED_PARTS = List.of(
            List.of("token-lifecycle.feature", "twin.feature", "telemetry.feature"),
            List.of("methods.feature", "c2d-times.feature", "sasl.feature", "errors.feature"),
            List.of("limits-and-credit.feature", "feedback.feature", "throttling.feature"),
            List.of("eventhub.feature"));

    private PartedRun() {
    }

    /** The feature files of each part: the named parts, then one of every other feature file. */
    static List<List<Path>> parts() throws IOException {
        Set<String> rest = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(FEATURES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".feature")).sorted().forEach(rest::add);
        }
        List<List<Path>> parts = new ArrayList<>();
        for (List<String> named : NAMED_PARTS) {
            List<Path> part = new ArrayList<>();
            for (String name : named) {
                if (!rest.remove(name)) {
                    throw new IllegalStateException("PartedRun names " + name + ", which is not in " + FEATURES);
                }
                part.add(FEATURES.resolve(name));
            }
            parts.add(part);
        }
        parts.add(rest.stream().map(FEATURES::resolve).toList());
        return parts;
    }

    /** Whether one of these features has a scenario tagged with one of these statements. */
    static boolean holdsAny(List<Path> features, Set<String> statements) throws IOException {
        for (Path feature : features) {
            String text = Files.readString(feature);
            if (statements.stream().anyMatch(id -> Pattern.compile("@" + Pattern.quote(id) + "\\b").matcher(text).find())) {
                return true;
            }
        }
        return false;
    }

    /** One part's run: a simulator departing as {@code variant}, these features, verdicts only (no Cucumber reports). */
    static Callable<SpecsResult> part(Variant variant, List<Path> features, Path reports, String tags) {
        return () -> {
            try (HubTarget target = EmbeddedSimulator.start(variant)) {
                return HubSpecs.run(target, reports, features, tags, false);
            }
        };
    }

    /**
     * The verdicts of one run made of these parts, as StatementReport gives them from all the scenarios: fail when a
     * scenario failed anywhere; else not applicable when every scenario was skipped, pass when every one passed, partly
     * checked when some passed and others were skipped; unchecked when no part has a scenario of the statement.
     */
    static SpecsResult merge(List<SpecsResult> parts) {
        Map<String, SpecsResult.Verdict> merged = new TreeMap<>();
        for (SpecsResult part : parts) {
            part.statements().forEach((id, v) -> merged.merge(id, v, PartedRun::merge));
        }
        return new SpecsResult(merged);
    }

    private static SpecsResult.Verdict merge(SpecsResult.Verdict a, SpecsResult.Verdict b) {
        List<String> messages = new ArrayList<>(a.messages());
        messages.addAll(b.messages());
        return new SpecsResult.Verdict(a.strength(), merge(a.verdict(), b.verdict()), messages);
    }

    private static String merge(String a, String b) {
        if (a.equals("unchecked") || a.equals(b)) {
            return b;
        }
        if (b.equals("unchecked")) {
            return a;
        }
        return a.equals("fail") || b.equals("fail") ? "fail" : StatementReport.PARTLY;
    }
}
