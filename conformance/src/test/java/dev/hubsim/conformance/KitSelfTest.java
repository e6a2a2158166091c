package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.HubTarget;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit run as a user runs it against any endpoint: the embedded simulator reached through connection strings
 * alone, where every {@code @simulator} scenario must come out not applicable with its reason and everything else must
 * pass. (The kit against broken hubs is {@link MutationMatrixTest}.)
 */
class KitSelfTest {
    private static final Path REPORTS = Path.of("target", "hub-specs-endpoint");

    @Test
    void throughConnectionStringsAloneEverySpecPassesOrIsNotApplicableWithTheReason() throws Exception {
        SpecsResult result;
        try (HubTarget target = EmbeddedSimulator.startWithoutControl()) {
            result = HubSpecs.run(target, REPORTS, List.of(Path.of("../features/hub")), HubSpecs.NOT_SLOW);
        }
        assertEquals(HubSpecsTest.ENDPOINT_COUNTS, result.counts(), "verdict counts through connection strings alone:\n" + result.describe(
                result.statements().keySet().stream().filter(id -> !result.statements().get(id).verdict().equals("pass")).toList()));
        for (String id : result.withVerdict("not applicable", null)) {
            SpecsResult.Verdict verdict = result.statements().get(id);
            assertTrue(verdict.messages().stream().anyMatch(m -> m.contains("simulator's control")), id + " reason: " + verdict.messages());
        }
        assertEquals(List.of(), result.withVerdict("fail", null));
    }
}
