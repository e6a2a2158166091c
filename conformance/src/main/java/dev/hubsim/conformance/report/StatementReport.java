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
 * Prints a progress line per feature as the run goes, and at the end the statement summary ("N of M MUST statements
 * pass, ..."), also written as JSON to target/hub-specs/statements.json. A statement passes when every scenario that
 * checks it passed, fails when one failed, and is not applicable when all its scenarios were skipped.
 */
public final class StatementReport implements ConcurrentEventListener {
    private static final PrintStream OUT = System.out;
    private final Map<String, List<Status>> byStatement = new TreeMap<>();
    private final Map<URI, Map<Status, Integer>> byFeature = new LinkedHashMap<>();
    private URI currentFeature;

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
                byStatement.computeIfAbsent(id, k -> new ArrayList<>()).add(status);
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
            Catalogue catalogue = Catalogue.read(Catalogue.defaultPath());
            Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
            Map<String, String> verdicts = new TreeMap<>();
            for (Catalogue.Statement s : catalogue.statements().values()) {
                String verdict = verdict(byStatement.get(s.id()));
                verdicts.put(s.id(), verdict);
                counts.computeIfAbsent(s.strength(), k -> new LinkedHashMap<>()).merge(verdict, 1, Integer::sum);
            }
            StringBuilder line = new StringBuilder("hubsim specs: ");
            for (String strength : List.of("MUST", "SHOULD", "INFO")) {
                Map<String, Integer> c = counts.getOrDefault(strength, Map.of());
                int total = c.values().stream().mapToInt(Integer::intValue).sum();
                line.append(c.getOrDefault("pass", 0)).append(" of ").append(total).append(' ').append(strength)
                        .append(" statements pass (").append(c.getOrDefault("fail", 0)).append(" fail, ")
                        .append(c.getOrDefault("not applicable", 0)).append(" not applicable, ")
                        .append(c.getOrDefault("unchecked", 0)).append(" unchecked); ");
            }
            OUT.println(line.substring(0, line.length() - 2));
            Path out = Path.of("target", "hub-specs", "statements.json");
            Files.createDirectories(out.getParent());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("summary", counts);
            json.put("statements", verdicts);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        } catch (Exception e) {
            OUT.println("hubsim specs: no statement summary: " + e);
        }
    }

    private static String verdict(List<Status> statuses) {
        if (statuses == null) {
            return "unchecked";
        }
        if (statuses.stream().anyMatch(s -> s == Status.FAILED || s == Status.AMBIGUOUS || s == Status.UNDEFINED || s == Status.PENDING)) {
            return "fail";
        }
        if (statuses.stream().allMatch(s -> s == Status.SKIPPED)) {
            return "not applicable";
        }
        return statuses.stream().allMatch(s -> s == Status.PASSED || s == Status.SKIPPED) ? "pass" : "fail";
    }
}
