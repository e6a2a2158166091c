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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the hub specs under features/hub against the target: the endpoint the hubsim.specs.* settings name, else an
 * embedded simulator. The build fails when a MUST statement fails; against the embedded simulator every verdict count
 * must be exactly the expected one, so a statement that silently stops being checked fails the build too.
 * {@code @slow} scenarios run only when {@code hubsim.specs.tags} asks for them (the {@code hub-specs-slow} profile).
 */
class HubSpecsTest {
    /** Strength → verdict → statements, against the embedded simulator. */
    static final Map<String, Map<String, Integer>> EMBEDDED_COUNTS = Map.of(
            "MUST", Map.of("pass", 107),
            "SHOULD", Map.of("pass", 11, "unchecked", 8),
            "INFO", Map.of("unchecked", 9));
    /** The same through connection strings alone (KitSelfTest): @simulator scenarios are not applicable. */
    static final Map<String, Map<String, Integer>> ENDPOINT_COUNTS = Map.of(
            "MUST", Map.of("pass", 88, "not applicable", 17, "partly checked", 2),
            "SHOULD", Map.of("pass", 9, "not applicable", 2, "unchecked", 8),
            "INFO", Map.of("unchecked", 9));

    @Test
    void everyMustStatementHolds() throws Exception {
        HubTarget endpoint = EndpointTarget.fromSettings().orElse(null);
        String tags = System.getProperty("hubsim.specs.tags", "").isBlank() ? null : System.getProperty("hubsim.specs.tags");
        SpecsResult result;
        try (HubTarget target = endpoint != null ? endpoint : EmbeddedSimulator.start(LimitProfile.iothub())) {
            result = HubSpecs.run(target, Path.of("target", "hub-specs"), List.of(Path.of("../features/hub")), tags == null ? HubSpecs.NOT_SLOW : tags);
        }
        List<String> failedMust = result.withVerdict("fail", "MUST");
        assertEquals(List.of(), failedMust, "MUST statements failed:\n" + result.describe(failedMust));
        if (endpoint == null && tags == null) {
            assertEquals(EMBEDDED_COUNTS, result.counts(), "verdict counts against the embedded simulator:\n" + result.describe(
                    result.statements().keySet().stream().filter(id -> !result.statements().get(id).verdict().equals("pass")).toList()));
        }
    }
}
