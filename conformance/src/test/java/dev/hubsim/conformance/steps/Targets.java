package dev.hubsim.conformance.steps;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.target.EndpointTarget;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.limits.LimitProfile;

/** The one target of a run: the endpoint the settings name, else an embedded simulator started once. */
final class Targets {
    private static HubTarget current;

    private Targets() {
    }

    static synchronized HubTarget current() {
        if (current == null) {
            try {
                current = EndpointTarget.fromSettings().orElse(null);
                if (current == null) {
                    current = EmbeddedSimulator.start(LimitProfile.iothub());
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not reach the target hub: " + e.getMessage(), e);
            }
            HubTarget started = current;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "hubsim-specs-target-close"));
            System.out.println("hubsim specs: target " + started.describe());
        }
        return current;
    }
}
