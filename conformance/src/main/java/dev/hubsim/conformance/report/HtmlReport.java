package dev.hubsim.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page per run (report.html): the run's facts, a table of every statement with its verdict, and
 * for each failure its scenario, the message (expected and observed) and the hub's frames with the adapter's events
 * around it, in time order. The same evidence is embedded as JSON ({@code <script id="hubsim-evidence">}, one entry
 * per failure: frames with sequence, time (ISO and epoch microseconds), connection, direction, type, channel, path and
 * fields; events with their arrival time), and drawn as a sequence diagram by the renderer the simulator's console
 * uses (its {@code hubsim-diagram/} script and style, inlined so the page stays one file; drawing is not judging).
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {
    }

    /** Writes report.html into {@code dir} from a statements.json tree; {@code facts} head the page (run, adapter, outcome). */
    public static Path write(Path dir, String title, Map<String, String> facts, JsonNode statements) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}")
                .append(".PASS{background:#dfd}.FAIL{background:#fdd}.NOT_APPLICABLE{background:#eee}.UNCHECKED{background:#fff}")
                .append("pre{white-space:pre-wrap;margin:0}.frames td{font:12px monospace}.event td{background:#eef}")
                .append(".sequence{margin:.5em 0 1.5em;max-width:80em}").append(DIAGRAM_STYLE)
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n<table>");
        facts.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
        h.append("</table>\n<h2>Statements</h2>\n<table><tr><th>ID</th><th>strength</th><th>verdict</th><th>statement</th><th>checked by</th></tr>\n");
        ArrayNode evidence = JSON.createArrayNode();
        List<String> failureSections = new ArrayList<>();
        statements.path("statements").properties().forEach(e -> {
            String id = e.getKey();
            JsonNode row = e.getValue();
            String verdict = row.path("verdict").asText();
            String anchor = verdict.equals("FAIL") ? "<a href=\"#" + id + "\">" + id + "</a>" : id;
            h.append("<tr class=\"").append(verdict.replace(' ', '_')).append("\"><td>").append(anchor).append("</td><td>")
                    .append(esc(row.path("strength").asText())).append("</td><td>").append(esc(verdict)).append("</td><td>")
                    .append(esc(row.path("statement").asText())).append(reasons(row)).append("</td><td>")
                    .append(esc(row.path("checkedBy").asText())).append("</td></tr>\n");
            for (JsonNode f : row.path("failures")) {
                failureSections.add(failure(id, f, evidence.size()));
                ObjectNode entry = evidence.addObject().put("statement", id).put("scenario", f.path("scenario").asText())
                        .put("message", f.path("message").asText());
                entry.set("frames", f.path("evidence").path("frames"));
                entry.set("events", f.path("evidence").path("events"));
            }
        });
        h.append("</table>\n");
        if (!failureSections.isEmpty()) {
            h.append("<h2>Failures</h2>\n");
            failureSections.forEach(h::append);
        }
        h.append("<script type=\"application/json\" id=\"hubsim-evidence\">")
                .append(JSON.writeValueAsString(evidence).replace("</", "<\\/")).append("</script>\n");
        if (!DIAGRAM_SCRIPT.isEmpty()) {
            h.append("<script>").append(DIAGRAM_SCRIPT).append("\n(function () {\n")
                    .append("  const evidence = JSON.parse(document.getElementById('hubsim-evidence').textContent);\n")
                    .append("  document.querySelectorAll('[data-sequence-of]').forEach(div => window.HubsimSequence.render(div,\n")
                    .append("    evidence[Number(div.dataset.sequenceOf)].frames || []));\n})();\n</script>\n");
        }
        h.append("</body></html>\n");
        Path file = dir.resolve(FILE_NAME);
        Files.writeString(file, h, StandardCharsets.UTF_8);
        return file;
    }

    private static String reasons(JsonNode row) {
        StringBuilder b = new StringBuilder();
        for (JsonNode r : row.path("reasons")) {
            b.append("<br><small>").append(esc(r.path("message").asText())).append("</small>");
        }
        return b.toString();
    }

    private static String failure(String id, JsonNode f, int evidenceIndex) {
        StringBuilder b = new StringBuilder("<h3 id=\"" + id + "\">" + id + ": " + esc(f.path("scenario").asText()) + "</h3>\n<p>"
                + esc(f.path("feature").asText()) + ":" + f.path("line").asText() + "</p>\n<pre>" + esc(f.path("message").asText()) + "</pre>\n");
        JsonNode frames = f.path("evidence").path("frames");
        JsonNode events = f.path("evidence").path("events");
        if (frames.isEmpty() && events.isEmpty()) {
            return b.toString();
        }
        record Line(long micros, String html) {
        }
        List<Line> lines = new ArrayList<>();
        for (JsonNode fr : frames) {
            String dir = fr.path("direction").asText();
            String arrow = dir.equals("IN") ? "client &rarr; hub" : dir.equals("OUT") ? "hub &rarr; client" : "hub";
            lines.add(new Line(fr.path("micros").asLong(), "<tr><td>" + esc(fr.path("time").asText()) + "</td><td>" + esc(fr.path("connection").asText())
                    + "</td><td>" + arrow + "</td><td>" + esc(fr.path("type").asText()) + (fr.path("channel").asInt(-1) >= 0 ? " [" + fr.path("channel").asInt() + "]" : "")
                    + "</td><td>" + esc(fr.path("path").asText("")) + "</td><td>" + esc(fr.path("fields").toString()) + "</td></tr>\n"));
        }
        for (JsonNode ev : events) {
            lines.add(new Line(ev.path("micros").asLong(), "<tr class=\"event\"><td>" + esc(ev.path("time").asText())
                    + "</td><td>adapter</td><td>adapter &rarr; kit</td><td>" + esc(ev.path("event").path("event").asText()) + "</td><td></td><td>"
                    + esc(ev.path("event").toString()) + "</td></tr>\n"));
        }
        lines.sort(Comparator.comparingLong(Line::micros));
        b.append("<table class=\"frames\"><tr><th>time</th><th>connection</th><th>direction</th><th>frame / event</th><th>path</th><th>fields</th></tr>\n");
        lines.forEach(l -> b.append(l.html()));
        b.append("</table>\n");
        if (!frames.isEmpty() && !DIAGRAM_SCRIPT.isEmpty()) {
            b.append("<div class=\"sequence\" data-sequence-of=\"").append(evidenceIndex).append("\" aria-label=\"Sequence diagram of ")
                    .append(esc(id)).append("\"></div>\n");
        }
        return b.toString();
    }

    private static final String DIAGRAM_STYLE = diagramResource("sequence.css");
    private static final String DIAGRAM_SCRIPT = diagramResource("sequence.js");

    /** The console's diagram renderer from the simulator jar; empty (a table only) if it is missing. */
    private static String diagramResource(String name) {
        try (java.io.InputStream in = HtmlReport.class.getResourceAsStream("/hubsim-diagram/" + name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
