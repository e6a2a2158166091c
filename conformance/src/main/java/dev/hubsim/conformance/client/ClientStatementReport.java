package dev.hubsim.conformance.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hubsim.conformance.report.Catalogue;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client kit's verdict per statement of the catalogue's IMP rows: PASS when every scenario checking it passed,
 * FAIL when one failed (with its expected-vs-observed message), NOT APPLICABLE when all were skipped for a missing
 * capability, UNCHECKED when no scenario checks it. Written to {@code <dir>/statements.json}; the argument is the dir.
 */
public final class ClientStatementReport implements ConcurrentEventListener {
    private final Path dir;
    private final Map<String, List<Status>> statuses = new TreeMap<>();
    private final Map<String, List<String>> failures = new TreeMap<>();

    public ClientStatementReport(String dir) {
        this.dir = Path.of(dir);
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
        publisher.registerHandlerFor(TestRunFinished.class, e -> write());
    }

    private synchronized void finished(TestCaseFinished e) {
        Status status = e.getResult().getStatus();
        for (String tag : e.getTestCase().getTags()) {
            String id = tag.substring(1);
            if (id.startsWith("IMP-") && Catalogue.ID.matcher(id).matches()) {
                statuses.computeIfAbsent(id, k -> new ArrayList<>()).add(status);
                if (status != Status.PASSED && status != Status.SKIPPED) {
                    Throwable error = e.getResult().getError();
                    failures.computeIfAbsent(id, k -> new ArrayList<>()).add(e.getTestCase().getName() + ": "
                            + (error == null ? status.name() : String.valueOf(error.getMessage())));
                } else if (status == Status.SKIPPED && e.getResult().getError() != null) {
                    failures.computeIfAbsent(id, k -> new ArrayList<>()).add(e.getResult().getError().getMessage());
                }
            }
        }
    }

    private synchronized void write() {
        try {
            Catalogue catalogue = Catalogue.read(Catalogue.defaultPath());
            Map<String, Object> rows = new LinkedHashMap<>();
            Map<String, Integer> summary = new TreeMap<>();
            for (Catalogue.Statement s : catalogue.statements().values()) {
                if (!s.client()) {
                    continue;
                }
                String verdict = verdict(statuses.get(s.id()));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strength", s.strength());
                row.put("verdict", verdict);
                row.put("statement", s.text());
                if (failures.containsKey(s.id())) {
                    row.put(verdict.equals("NOT APPLICABLE") ? "reason" : "failures", failures.get(s.id()));
                }
                rows.put(s.id(), row);
                summary.merge(s.strength() + " " + verdict, 1, Integer::sum);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("summary", summary);
            json.put("statements", rows);
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("statements.json").toFile(), json);
        } catch (Exception e) {
            System.out.println("client kit: no statement report: " + e);
        }
    }

    static String verdict(List<Status> s) {
        if (s == null) {
            return "UNCHECKED";
        }
        if (s.stream().anyMatch(x -> x != Status.PASSED && x != Status.SKIPPED)) {
            return "FAIL";
        }
        if (s.stream().allMatch(x -> x == Status.SKIPPED)) {
            return "NOT APPLICABLE";
        }
        return s.stream().anyMatch(x -> x == Status.SKIPPED) ? "FAIL" : "PASS";
    }
}
