package dev.hubsim.conformance.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hubsim.conformance.report.Catalogue;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EmbedEvent;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The client kit's verdict per statement of the catalogue's client rows: PASS when every scenario checking it passed,
 * FAIL when one failed (with its expected-vs-observed message and the evidence the scenario attached: the hub's frames
 * and the adapter's events around the failure), NOT APPLICABLE when all were skipped for a missing capability (with the
 * reason), UNCHECKED when no scenario checks it. Written to {@code <dir>/statements.json}; the argument is the dir.
 */
public final class ClientStatementReport implements ConcurrentEventListener {
    public static final String FILE_NAME = "statements.json";
    /** The name under which a failed scenario attaches its evidence (JSON: frames and events). */
    public static final String EVIDENCE = "hubsim-evidence";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, List<Status>> statuses = new TreeMap<>();
    private final Map<String, List<Map<String, Object>>> notes = new TreeMap<>();
    private final Map<UUID, JsonNode> evidence = new HashMap<>();

    public ClientStatementReport(String dir) {
        this.dir = Path.of(dir);
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(EmbedEvent.class, this::embedded);
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
        publisher.registerHandlerFor(TestRunFinished.class, e -> write());
    }

    private synchronized void embedded(EmbedEvent e) {
        if (EVIDENCE.equals(e.getName())) {
            try {
                evidence.put(e.getTestCase().getId(), JSON.readTree(e.getData()));
            } catch (java.io.IOException ex) {
                System.err.println("client kit: unreadable evidence: " + ex);
            }
        }
    }

    private synchronized void finished(TestCaseFinished e) {
        Status status = e.getResult().getStatus();
        for (String tag : e.getTestCase().getTags()) {
            String id = tag.substring(1);
            if (!id.startsWith("IMP-") || !Catalogue.ID.matcher(id).matches()) {
                continue;
            }
            statuses.computeIfAbsent(id, k -> new ArrayList<>()).add(status);
            Throwable error = e.getResult().getError();
            if (status == Status.PASSED || (status == Status.SKIPPED && error == null)) {
                continue;
            }
            Map<String, Object> note = new LinkedHashMap<>();
            note.put("scenario", e.getTestCase().getName());
            note.put("feature", e.getTestCase().getUri().toString().replaceAll(".*/", ""));
            note.put("line", e.getTestCase().getLocation().getLine());
            note.put("status", status.name());
            note.put("message", error == null ? status.name() : String.valueOf(error.getMessage()));
            if (evidence.containsKey(e.getTestCase().getId())) {
                note.put("evidence", evidence.get(e.getTestCase().getId()));
            }
            notes.computeIfAbsent(id, k -> new ArrayList<>()).add(note);
        }
    }

    private synchronized void write() {
        try {
            Map<String, Object> rows = new LinkedHashMap<>();
            Map<String, Integer> summary = new TreeMap<>();
            for (Catalogue.Statement s : Catalogue.load().statements().values()) {
                if (!s.client()) {
                    continue;
                }
                String verdict = verdict(statuses.get(s.id()));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("strength", s.strength());
                row.put("verdict", verdict);
                row.put("statement", s.text());
                row.put("source", s.source());
                row.put("checkedBy", s.checkedBy());
                if (notes.containsKey(s.id())) {
                    row.put(verdict.equals("NOT APPLICABLE") ? "reasons" : "failures", notes.get(s.id()));
                }
                rows.put(s.id(), row);
                summary.merge(s.strength() + " " + verdict, 1, Integer::sum);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("summary", summary);
            json.put("statements", rows);
            Files.createDirectories(dir);
            JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(FILE_NAME).toFile(), json);
        } catch (Exception e) {
            System.out.println("client kit: no statement report: " + e);
        }
    }

    static String verdict(List<Status> s) {
        if (s == null) {
            return "UNCHECKED";
        }
        if (s.stream().allMatch(x -> x == Status.SKIPPED)) {
            return "NOT APPLICABLE";
        }
        // A scenario skipped beside one that ran means a needed step was missing: no pass on half the evidence.
        return s.stream().allMatch(x -> x == Status.PASSED) ? "PASS" : "FAIL";
    }
}
