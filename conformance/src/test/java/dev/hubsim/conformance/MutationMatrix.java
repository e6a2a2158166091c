package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LimitMode;
import dev.hubsim.limits.LimitProfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The departures the kit must catch, each with exactly the statements it breaks, and how a run is judged. README.md
 * quotes {@link #readmeTable()}; ReadmeMatrixTest keeps the two equal.
 */
final class MutationMatrix {
    static final Map<Variant, Set<String>> EXPECTED = new LinkedHashMap<>();

    static {
        expect(Deviation.CBS_STATUS_CODE_AS_LONG, "HUB-CBS-006");
        expect(Deviation.CBS_CORRELATION_ID_AS_STRING, "HUB-CBS-005");
        expect(Deviation.REDIRECT_WITHOUT_ADDRESS, "HUB-RED-001");
        EXPECTED.put(Variant.misconfigured("C2D_QUEUE_DEPTH_OFF",
                p -> p.with(LimitKind.C2D_QUEUE_DEPTH, LimitProfile.C2D_MAX_DEPTH, LimitMode.OFF)), Set.of("HUB-C2D-009", "HUB-LIM-003"));
    }

    private MutationMatrix() {
    }

    private static void expect(Deviation deviation, String... statements) {
        EXPECTED.put(Variant.deviating(deviation), Set.of(statements));
    }

    /** What is wrong with one departure's run: statements that should have failed and did not, or should not and did. */
    static List<String> judge(Variant variant, SpecsResult baseline, SpecsResult result) {
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>(EXPECTED.get(variant));
        for (String id : expected) {
            SpecsResult.Verdict v = result.statements().get(id);
            if (v == null || !v.verdict().equals("fail")) {
                problems.add(variant + " escaped: " + id + " is " + (v == null ? "not in the catalogue" : v.verdict()));
                continue;
            }
            String messages = String.join("\n", v.messages());
            if (!(messages.contains("[" + id) || messages.contains(" " + id)) || !messages.contains("expected") || !messages.contains("observed")) {
                problems.add(variant + ": the failure of " + id + " must name it with expected and observed values: " + messages);
            }
        }
        for (Map.Entry<String, SpecsResult.Verdict> e : result.statements().entrySet()) {
            String id = e.getKey();
            if (expected.contains(id)) {
                continue;
            }
            String before = baseline.statements().get(id).verdict();
            if (!e.getValue().verdict().equals(before)) {
                problems.add(variant + ": " + id + " is " + e.getValue().verdict() + " (as documented: " + before + ")\n  "
                        + String.join("\n  ", e.getValue().messages()));
            }
        }
        return problems;
    }

    /** The matrix as printed by the test: each departure, the statements that caught it, and the score. */
    static String render(Map<Variant, Set<String>> caught, Duration took, int parallel) {
        long escaped = caught.values().stream().filter(Set::isEmpty).count();
        long exact = caught.entrySet().stream().filter(e -> e.getValue().equals(new TreeSet<>(EXPECTED.get(e.getKey())))).count();
        StringBuilder out = new StringBuilder("hubsim mutation matrix: ").append(caught.size()).append(" departures, ")
                .append(caught.size() - escaped).append(" caught (mutation score ")
                .append(caught.isEmpty() ? 100 : 100 * (caught.size() - escaped) / caught.size()).append("%), ")
                .append(exact).append(" by exactly their statements; ").append(took.toSeconds()).append(" s with ")
                .append(parallel).append(" runs at once\n\n");
        out.append("| departure | statements that caught it |\n|---|---|\n");
        caught.forEach((v, ids) -> out.append("| ").append(v).append(" | ").append(ids.isEmpty() ? "none: ESCAPED" : String.join(", ", ids)).append(" |\n"));
        return out.toString();
    }

    /** The expected matrix, as README.md shows it. */
    static String readmeTable() {
        StringBuilder out = new StringBuilder("| departure | statements that catch it |\n|---|---|\n");
        EXPECTED.forEach((v, ids) -> out.append("| `").append(v).append("` | ").append(String.join(", ", new TreeSet<>(ids))).append(" |\n"));
        return out.toString();
    }
}
