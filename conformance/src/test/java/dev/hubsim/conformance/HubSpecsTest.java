package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.EndpointTarget;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.limits.LimitProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the hub specs under features/hub against the target: the endpoint the hubsim.specs.* settings name, else an
 * embedded simulator. The build fails when a MUST statement fails; SHOULD and INFO failures are reported only.
 */
class HubSpecsTest {
    @Test
    void everyMustStatementHolds() throws Exception {
        SpecsResult result;
        try (HubTarget target = target()) {
            result = HubSpecs.run(target, Path.of("target", "hub-specs"), List.of(Path.of("../features/hub")), null);
        }
        List<String> failedMust = result.withVerdict("fail", "MUST");
        assertEquals(List.of(), failedMust, "MUST statements failed:\n" + result.describe(failedMust));
        assertTrue(result.withVerdict("pass", "MUST").size() >= 40, "MUST statements that passed: " + result.withVerdict("pass", "MUST"));
    }

    private static HubTarget target() throws Exception {
        HubTarget endpoint = EndpointTarget.fromSettings().orElse(null);
        return endpoint != null ? endpoint : EmbeddedSimulator.start(LimitProfile.iothub());
    }
}
