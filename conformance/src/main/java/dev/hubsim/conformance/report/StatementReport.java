package dev.hubsim.conformance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a progress line per feature as the run goes, and at the end the summary of the hub's statements ("N of M MUST statements
 * pass, ..."), also written as {@code statements.json} in the report directory (the plugin's argument, else
 * target/hub-specs) with each statement's verdict and, for each failed scenario, its message: the statement IDs,
 * expected and observed. A statement passes when every scenario that checks it passed, fails when one failed, is
 * not applicable when all its scenarios were skipped (with the reason beside it), and is only partly checked when some
 * passed and others were skipped: a pass needs every scenario that names the statement.
 */
public final class StatementReport implements ConcurrentEventListener {
    public static final String FILE_NAME = "statements.json";
    /** Some scenarios of the statement passed, the others were not applicable to the target. */
    public static final String PARTLY = "partly checked";
    private static final PrintStream OUT = System.out;
    private final Path directory;
    private final Map<String, List<TestCaseFinished>> byStatement = new TreeMap<>();
    private final Map<URI, Map<Status, Integer>> byFeature = new LinkedHashMap<>();
    private URI currentFeature;

    public StatementReport() {
        this(Path.of("target", "hub-specs").toString());
    }

    public StatementReport(String directory) {
        this.directory = Path.of(directory);
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
        publisher.registerHandlerFor(TestRunFinished.class, e -> summarise());
    }

    private synchronized void finished(TestCaseFinished event) {
        URI feature = event.getTestCase().getUri();
        if (currentFeature != null && !currentFeature.equals(feature)) {
            progress(currentFeature);
        }
        currentFeature = feature;
        Status status = event.getResult().getStatus();
        byFeature.computeIfAbsent(feature, f -> new EnumMap<>(Status.class)).merge(status, 1, Integer::sum);
        for (String tag : event.getTestCase().getTags()) {
            String id = tag.substring(1);
            if (Catalogue.ID.matcher(id).matches()) {
                byStatement.computeIfAbsent(id, k -> new ArrayList<>()).add(event);
            }
        }
    }

    private void progress(URI feature) {
        Map<Status, Integer> counts = byFeature.get(feature);
        String name = Path.of(feature.getPath()).getFileName().toString();
        OUT.println("hubsim specs: " + name + ": " + counts.getOrDefault(Status.PASSED, 0) + " passed, "
                + counts.getOrDefault(Status.FAILED, 0) + " failed, " + counts.getOrDefault(Status.SKIPPED, 0) + " not applicable");
    }

    private synchronized void summarise() {
        if (currentFeature != null) {
            progress(currentFeature);
        }
        try {
            Catalogue catalogue = Catalogue.load();
            Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
            Map<String, Object> statements = new TreeMap<>();
            for (Catalogue.Statement s : catalogue.statements().values()) {
                if (s.client()) {
                    continue;
                }
                List<TestCaseFinished> cases = byStatement.getOrDefault(s.id(), List.of());
                String verdict = verdict(cases);
                counts.computeIfAbsent(s.strength(), k -> new LinkedHashMap<>()).merge(verdict, 1, Integer::sum);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strength", s.strength());
                row.put("verdict", verdict);
                List<Map<String, String>> notes = new ArrayList<>();
                for (TestCaseFinished c : cases) {
                    Status status = c.getResult().getStatus();
                    if (status != Status.PASSED && c.getResult().getError() != null) {
                        notes.add(Map.of("scenario", c.getTestCase().getName(), "status", status.name(),
                                "message", String.valueOf(c.getResult().getError().getMessage())));
                    }
                }
                row.put(verdict.equals("not applicable") || verdict.equals(PARTLY) ? "reasons" : "failures", notes);
                statements.put(s.id(), row);
            }
            OUT.println(summaryLine(counts));
            Files.createDirectories(directory);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("summary", counts);
            json.put("statements", statements);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(FILE_NAME).toFile(), json);
        } catch (Exception e) {
            OUT.println("hubsim specs: no statement summary: " + e);
        }
    }

    private static String summaryLine(Map<String, Map<String, Integer>> counts) {
        List<String> parts = new ArrayList<>();
        for (String strength : List.of("MUST", "SHOULD", "INFO")) {
            Map<String, Integer> c = counts.getOrDefault(strength, Map.of());
            int total = c.values().stream().mapToInt(Integer::intValue).sum();
            parts.add(c.getOrDefault("pass", 0) + " of " + total + " " + strength + " statements pass ("
                    + c.getOrDefault("fail", 0) + " fail, " + c.getOrDefault("not applicable", 0) + " not applicable, "
                    + (c.containsKey(PARTLY) ? c.get(PARTLY) + " " + PARTLY + ", " : "")
                    + c.getOrDefault("unchecked", 0) + " unchecked)");
        }
        return "hubsim specs: " + String.join("; ", parts);
    }

    private static String verdict(List<TestCaseFinished> cases) {
        if (cases.isEmpty()) {
            return "unchecked";
        }
        List<Status> statuses = cases.stream().map(c -> c.getResult().getStatus()).toList();
        if (statuses.stream().allMatch(s -> s == Status.SKIPPED)) {
            return "not applicable";
        }
        if (statuses.stream().allMatch(s -> s == Status.PASSED)) {
            return "pass";
        }
        return statuses.stream().allMatch(s -> s == Status.PASSED || s == Status.SKIPPED) ? PARTLY : "fail";
    }
}
