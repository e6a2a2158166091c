package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LimitMode;
import dev.hubsim.limits.CreditPolicy;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.limits.LinkKind;
import java.util.function.UnaryOperator;

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
        expect(Deviation.CBS_DESCRIPTION_NOT_OK, "HUB-CBS-007");
        expect(Deviation.CBS_REPLY_BEFORE_SETTLING, "HUB-CBS-001");
        expect(Deviation.CBS_AZURE_DEVICES_TYPE_REFUSED, "HUB-CBS-002");
        expect(Deviation.CBS_ENCODED_AUDIENCE_REFUSED, "HUB-CBS-003");
        expect(Deviation.CBS_EXPIRATION_REFUSED, "HUB-CBS-004");
        expect(Deviation.SAS_FIELD_NAMES_CASE_SENSITIVE, "HUB-SAS-001");
        expect(Deviation.SAS_NO_CLOCK_SKEW, "HUB-SAS-003");
        expect(Deviation.UNKNOWN_PATH_WITH_TERMINUS, "HUB-LINK-004");
        expect(Deviation.UNKNOWN_PATH_OTHER_DESCRIPTION, "HUB-ERR-004");
        expect(Deviation.PATHS_CASE_SENSITIVE, "HUB-LINK-002", "HUB-LINK-003");
        expect(Deviation.CROSS_DEVICE_CLAIM_ALLOWED, "HUB-ERR-001", "HUB-LINK-006");
        expect(Deviation.TOKEN_EXPIRY_NOT_DETACHING, "HUB-CBS-011", "HUB-TOK-002");
        expect(Deviation.TOKEN_RENEWAL_IGNORED, "HUB-TOK-001");
        expect(Deviation.SIZE_COUNTED_ENCODED, "HUB-C2D-008", "HUB-LIM-001", "HUB-LIM-002");
        expect(Deviation.TELEMETRY_WITHOUT_DEVICE_ID, "HUB-TEL-002", "HUB-TEL-003");
        expect(Deviation.TELEMETRY_APPLICATION_PROPERTIES_DROPPED, "HUB-TEL-003", "HUB-TEL-004");
        expect(Deviation.BATCH_AS_ONE_EVENT, "HUB-TEL-003");
        expect(Deviation.SEQUENCE_NUMBERS_SKIP, "HUB-EH-001", "HUB-EH-004", "HUB-TEL-003");
        expect(Deviation.OFFSET_AS_LONG, "HUB-EH-001");
        expect(Deviation.INCLUSIVE_FILTER_AS_EXCLUSIVE, "HUB-EH-001", "HUB-EH-003");
        expect(Deviation.LOCK_TOKEN_BIG_ENDIAN, "HUB-C2D-003");
        expect(Deviation.DELIVERY_COUNT_AS_UINT, "HUB-C2D-004", "HUB-C2D-005", "HUB-C2D-011");
        expect(Deviation.DELIVERY_COUNT_NOT_RAISED, "HUB-C2D-005");
        expect(Deviation.C2D_SUBJECT_DROPPED, "HUB-C2D-015");
        expect(Deviation.C2D_QUEUE_FULL_OTHER_CONDITION, "HUB-C2D-009", "HUB-LIM-003");
        expect(Deviation.C2D_LOCK_NEVER_TIMES_OUT, "HUB-C2D-011");
        expect(Deviation.C2D_DEFAULT_TTL_IGNORED, "HUB-C2D-014");
        expect(Deviation.C2D_TTL_NOT_CAPPED, "HUB-C2D-014");
        expect(Deviation.FEEDBACK_SUCCESS_AS_COMPLETED, "HUB-C2D-010", "HUB-FB-001", "HUB-FB-002", "HUB-FB-003");
        expect(Deviation.FEEDBACK_PLAIN_JSON_CONTENT_TYPE, "HUB-FB-001", "HUB-FB-002");
        expect(Deviation.IMP_LINK_LIMIT_OTHER_TEXT, "IMP-LIMIT-003");
        expect(Deviation.CREDIT_BEYOND_BUCKET, "IMP-CREDIT-001", "IMP-CREDIT-003");
        expect(Deviation.CREDIT_BUCKET_PER_LINK, "IMP-CREDIT-003");
        expect(Deviation.TWIN_STATUS_AS_LONG, "HUB-TWIN-004", "HUB-TWIN-011");
        expect(Deviation.TWIN_CORRELATION_ID_AS_STRING, "HUB-TWIN-003");
        expect(Deviation.TWIN_PUSH_WITHOUT_VERSION, "HUB-TWIN-007");
        // Node and C both send their subscription PUTs pre-settled and wait for the answer.
        expect(Deviation.TWIN_PRESETTLED_PUT_UNANSWERED, "HUB-TWIN-010", "HUB-TWIN-011");
        expect(Deviation.TWIN_REPEATED_PUT_REFUSED, "HUB-TWIN-011");
        expect(Deviation.TWIN_NULL_VERSION_REFUSED, "HUB-TWIN-012");
        expect(Deviation.METHOD_CORRELATION_ID_AS_STRING, "HUB-MTH-001", "HUB-MTH-006", "HUB-MTH-007");
        expect(Deviation.METHOD_CORRELATION_ID_NOT_RFC4122, "HUB-MTH-006");
        expect(Deviation.METHOD_REQUEST_WITHOUT_BODY, "HUB-MTH-007");
        expect(Deviation.METHOD_PRESETTLED_ANSWER_DROPPED, "HUB-MTH-008");
        expect(Deviation.METHOD_STATUS_ALWAYS_200, "HUB-MTH-002");
        expect(Deviation.METHOD_NOT_ONLINE_AS_TIMEOUT, "HUB-MTH-003");
        expect(Deviation.METHOD_TIMEOUT_AS_NOT_ONLINE, "HUB-MTH-004");
        expect(Deviation.THROTTLE_CONDITIONS_SWAPPED, "HUB-LIM-004", "HUB-LIM-008");
        misconfigured("C2D_QUEUE_DEPTH_OFF", p -> p.withMode(LimitKind.C2D_QUEUE_DEPTH, LimitMode.OFF), "HUB-C2D-009", "HUB-LIM-003");
        misconfigured("D2C_SIZE_LIMIT_OFF", p -> p.withMode(LimitKind.D2C_MESSAGE_BYTES, LimitMode.OFF), "HUB-LIM-001");
        misconfigured("C2D_SIZE_LIMIT_OFF", p -> p.withMode(LimitKind.C2D_MESSAGE_BYTES, LimitMode.OFF), "HUB-C2D-008", "HUB-LIM-002");
        misconfigured("IMP_CONNECTIONS_5", imp(p -> p.with(LimitKind.CONNECTIONS_PER_CLIENT, 5, LimitMode.ENFORCE)), "IMP-LIMIT-001");
        misconfigured("IMP_SESSIONS_17", imp(p -> p.with(LimitKind.SESSIONS_PER_CLIENT, 17, LimitMode.ENFORCE)), "IMP-LIMIT-002", "IMP-LIMIT-004");
        misconfigured("IMP_LINKS_65", imp(p -> p.with(LimitKind.LINKS_PER_CLIENT, 65, LimitMode.ENFORCE)), "IMP-LIMIT-003");
        misconfigured("IMP_CREDIT_BUCKET_50", imp(p -> p.withCredit(LinkKind.TELEMETRY, CreditPolicy.bucket(50, 2))), "IMP-CREDIT-001", "IMP-CREDIT-003");
        misconfigured("IMP_CREDIT_10_PER_SECOND", imp(p -> p.withCredit(LinkKind.TELEMETRY, CreditPolicy.bucket(40, 10))), "IMP-CREDIT-002");
        misconfigured("CLAIMS_PER_CONNECTION_OFF", p -> p.withMode(LimitKind.CLAIMS_PER_CONNECTION, LimitMode.OFF), "HUB-LIM-006");
        misconfigured("CONNECTIONS_PER_ADDRESS_OFF", p -> p.withMode(LimitKind.CONNECTIONS_PER_ADDRESS, LimitMode.OFF), "HUB-LIM-007");
    }

    /** A change to the imp profile only. */
    private static UnaryOperator<LimitProfile> imp(UnaryOperator<LimitProfile> change) {
        return p -> p.name().equals("imp") ? change.apply(p) : p;
    }

    private static void misconfigured(String name, UnaryOperator<LimitProfile> change, String... statements) {
        EXPECTED.put(Variant.misconfigured(name, change), Set.of(statements));
    }

    private MutationMatrix() {
    }

    private static void expect(Deviation deviation, String... statements) {
        EXPECTED.put(Variant.deviating(deviation), Set.of(statements));
    }

    /**
     * The departures in groups that share one simulator run: at most {@code size} a group, and within a group no two
     * departures name a statement in common, so a run's failures say which departure each belongs to. Each departure
     * was first seen alone failing exactly its statements (the table below); sharing a run then costs nothing in
     * what is shown: a departure whose hook stopped working leaves its statements passing, an escape.
     */
    static List<List<Variant>> groups(int size) {
        List<List<Variant>> groups = new ArrayList<>();
        for (Variant v : EXPECTED.keySet()) {
            List<Variant> home = groups.stream().filter(g -> g.size() < size && g.stream().noneMatch(o -> overlaps(o, v)))
                    .findFirst().orElse(null);
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(v);
        }
        return groups;
    }

    private static boolean overlaps(Variant a, Variant b) {
        return EXPECTED.get(a).stream().anyMatch(EXPECTED.get(b)::contains)
                // Two profile changes could change one limit twice, the second hiding the first.
                || a.deviations().isEmpty() && b.deviations().isEmpty();
    }

    /** What is wrong with one departure's run: statements that should have failed and did not, or should not and did. */
    static List<String> judge(Variant variant, SpecsResult baseline, SpecsResult result) {
        return judge(List.of(variant), baseline, result);
    }

    /** The same for a run shared by departures whose statements are disjoint: each must fail exactly its own. */
    static List<String> judge(List<Variant> group, SpecsResult baseline, SpecsResult result) {
        Variant variant = group.size() == 1 ? group.get(0) : Variant.together(group);
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        group.forEach(v -> expected.addAll(EXPECTED.get(v)));
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
    static String render(Map<Variant, Set<String>> caught, Duration took, int parts, int simulatorRuns) {
        long escaped = caught.values().stream().filter(Set::isEmpty).count();
        long exact = caught.entrySet().stream().filter(e -> e.getValue().equals(new TreeSet<>(EXPECTED.get(e.getKey())))).count();
        StringBuilder out = new StringBuilder("hubsim mutation matrix: ").append(caught.size()).append(" departures, ")
                .append(caught.size() - escaped).append(" caught (mutation score ")
                .append(caught.isEmpty() ? 100 : 100 * (caught.size() - escaped) / caught.size()).append("%), ")
                .append(exact).append(" by exactly their statements; ").append(simulatorRuns).append(" runs of every hub feature in ")
                .append(took.toSeconds()).append(" s, at once, each in ").append(parts).append(" parts on simulators of their own\n\n");
        out.append("| departure | statements that caught it |\n|---|---|\n");
        caught.forEach((v, ids) -> out.append("| ").append(v).append(" | ").append(ids.isEmpty() ? "none: ESCAPED" : String.join(", ", ids)).append(" |\n"));
        return out.toString();
    }

    /** The expected matrix, as README.md shows it: departures, what each breaks, the statements that catch it. */
    static String readmeTable() {
        long deviations = EXPECTED.keySet().stream().filter(v -> !v.deviations().isEmpty()).count();
        StringBuilder out = new StringBuilder(EXPECTED.size() + " departures (" + deviations + " deviations of the simulator, "
                + (EXPECTED.size() - deviations) + " misconfigured limit profiles), each caught by exactly these statements:\n\n");
        out.append("| departure | statements that catch it |\n|---|---|\n");
        EXPECTED.forEach((v, ids) -> out.append("| `").append(v).append("` | ").append(String.join(", ", new TreeSet<>(ids))).append(" |\n"));
        return out.toString();
    }
}
