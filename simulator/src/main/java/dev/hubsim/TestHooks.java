package dev.hubsim;

import dev.hubsim.faults.Deviation;

/**
 * Test-only hooks, not part of the public API: a conformance kit's self-test starts simulators that depart from the
 * documents on purpose (one statement per {@link Deviation}) and checks that exactly the matching statement fails.
 * Off by default; the CLI and the public builder offer none.
 */
public final class TestHooks {
    private TestHooks() {
    }

    /** The builder, set to depart from the documents in these ways. */
    public static HubSimulator.Builder deviate(HubSimulator.Builder builder, Deviation... deviations) {
        return builder.deviate(deviations);
    }
}
