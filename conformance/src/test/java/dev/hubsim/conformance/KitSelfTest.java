package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LimitMode;
import dev.hubsim.limits.LimitProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit judged: run against a simulator that departs from the documents in exactly one way, the specs must fail the
 * statement that way breaks, name it with expected and observed values, and pass every other statement they check.
 */
class KitSelfTest {
    private static final Path REPORTS = Path.of("target", "hub-specs-selftest");

    static Stream<Arguments> misconfigurations() {
        LimitProfile depthOff = LimitProfile.iothub().with(LimitKind.C2D_QUEUE_DEPTH, LimitProfile.C2D_MAX_DEPTH, LimitMode.OFF);
        return Stream.of(
                Arguments.of("status-code sent as long", LimitProfile.iothub(), Deviation.CBS_STATUS_CODE_AS_LONG, "cbs.feature",
                        Set.of("HUB-CBS-006"), "(long)"),
                Arguments.of("correlation-id sent as a string", LimitProfile.iothub(), Deviation.CBS_CORRELATION_ID_AS_STRING, "cbs.feature",
                        Set.of("HUB-CBS-005"), "(string)"),
                Arguments.of("redirect without address", LimitProfile.iothub(), Deviation.REDIRECT_WITHOUT_ADDRESS, "eventhub.feature",
                        Set.of("HUB-RED-001"), "missing [address]"),
                Arguments.of("C2D queue-depth limit off", depthOff, null, "c2d.feature",
                        Set.of("HUB-C2D-009", "HUB-LIM-003"), "Accepted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misconfigurations")
    void aMisconfiguredSimulatorFailsExactlyTheMatchingStatement(String name, LimitProfile profile, Deviation deviation, String feature,
                                                                 Set<String> expectedFailures, String observedEvidence) throws Exception {
        SpecsResult result;
        try (HubTarget target = deviation == null ? EmbeddedSimulator.start(profile) : EmbeddedSimulator.start(profile, deviation)) {
            result = HubSpecs.run(target, REPORTS.resolve(feature), List.of(Path.of("../features/hub", feature)), null);
        }
        List<String> failed = result.withVerdict("fail", null);
        assertEquals(new TreeSet<>(expectedFailures), new TreeSet<>(failed), name + ": failed statements\n" + result.describe(failed));
        for (String id : expectedFailures) {
            String messages = String.join("\n", result.statements().get(id).messages());
            assertTrue(messages.contains("[" + id) || messages.contains(" " + id), id + " must be named in its failure: " + messages);
            assertTrue(messages.contains("expected") && messages.contains("observed " ) && messages.contains(observedEvidence),
                    id + " failure must show expected and observed (" + observedEvidence + "): " + messages);
        }
        assertTrue(result.withVerdict("pass", null).size() >= 2, "the rest of " + feature + " still passes: " + result.withVerdict("pass", null));
    }

    @Test
    void throughConnectionStringsAloneEverySpecPassesOrIsNotApplicableWithTheReason() throws Exception {
        SpecsResult result;
        try (HubTarget target = EmbeddedSimulator.startWithoutControl()) {
            result = HubSpecs.run(target, REPORTS.resolve("endpoint"), List.of(Path.of("../features/hub")), null);
        }
        assertTrue(result.withVerdict("pass", "MUST").size() >= 45, "MUST statements that pass: " + result.withVerdict("pass", "MUST"));
        List<String> needControl = List.of("HUB-TOK-002", "HUB-CBS-011", "HUB-SASL-006", "IMP-LIMIT-001", "IMP-LIMIT-002", "IMP-LIMIT-003", "IMP-CREDIT-001");
        assertEquals(new TreeSet<>(needControl), new TreeSet<>(result.withVerdict("not applicable", null)));
        for (String id : needControl) {
            SpecsResult.Verdict verdict = result.statements().get(id);
            assertEquals("not applicable", verdict.verdict(), id);
            assertTrue(verdict.messages().stream().anyMatch(m -> m.contains("simulator's control")), id + " reason: " + verdict.messages());
        }
        assertEquals(List.of(), result.withVerdict("fail", null));
    }
}
