package dev.hubsim.conformance.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's statement verdicts, read back from statements.json: what the exit status and the kit's self-tests judge. */
public record SpecsResult(Map<String, Verdict> statements) {

    /** One statement: strength, "pass" / "fail" / "not applicable" / "unchecked", and each failure's or skip's message. */
    public record Verdict(String strength, String verdict, List<String> messages) {
    }

    public static SpecsResult read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, Verdict> statements = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("statements").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode row = e.getValue();
            List<String> messages = new ArrayList<>();
            JsonNode notes = row.has("failures") ? row.get("failures") : row.path("reasons");
            notes.forEach(n -> messages.add(n.path("scenario").asText() + ": " + n.path("message").asText()));
            statements.put(e.getKey(), new Verdict(row.path("strength").asText(), row.path("verdict").asText(), messages));
        }
        return new SpecsResult(statements);
    }

    /** IDs with this verdict, optionally of one strength (null: any). */
    public List<String> withVerdict(String verdict, String strength) {
        return statements.entrySet().stream()
                .filter(e -> e.getValue().verdict().equals(verdict) && (strength == null || e.getValue().strength().equals(strength)))
                .map(Map.Entry::getKey).toList();
    }

    /** Strength → verdict → how many statements, as the summary line counts them. */
    public Map<String, Map<String, Integer>> counts() {
        Map<String, Map<String, Integer>> counts = new java.util.TreeMap<>();
        statements.values().forEach(v -> counts.computeIfAbsent(v.strength(), k -> new java.util.TreeMap<>()).merge(v.verdict(), 1, Integer::sum));
        return counts;
    }

    /** The failures of these statements, one paragraph each, for an assertion message. */
    public String describe(List<String> ids) {
        StringBuilder out = new StringBuilder();
        for (String id : ids) {
            out.append(id).append(" (").append(statements.get(id).strength()).append("): ").append(statements.get(id).verdict()).append('\n');
            statements.get(id).messages().forEach(m -> out.append("  ").append(m).append('\n'));
        }
        return out.toString();
    }
}
