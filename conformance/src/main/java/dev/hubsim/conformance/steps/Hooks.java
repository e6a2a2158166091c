package dev.hubsim.conformance.steps;

import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.world.HubWorld;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.ParameterType;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The scenario's {@link HubWorld}, made before its first step and closed after its last; the parameter types every
 * step class uses. Step classes reach the world through {@link #world()}: Cucumber makes one instance of each glue
 * class per scenario, and a run's scenarios go one after another on the run's thread.
 */
public class Hooks {
    private static final ThreadLocal<HubWorld> WORLD = new ThreadLocal<>();

    static HubWorld world() {
        return WORLD.get();
    }

    @Before(order = 0)
    public void startScenario(Scenario scenario) {
        List<String> ids = scenario.getSourceTagNames().stream().map(t -> t.substring(1)).filter(t -> t.matches("[A-Z]+-[A-Z0-9]+-\\d+")).toList();
        WORLD.set(new HubWorld(HubSpecs.target(), ids));
    }

    @Before(value = "@simulator", order = 1)
    public void needsTheSimulator() {
        if (HubSpecs.target().control().isEmpty()) {
            throw new TestAbortedException("not applicable: this scenario arranges its situation through the simulator's control, which "
                    + HubSpecs.target().describe() + " does not offer");
        }
    }

    @After
    public void endScenario() {
        HubWorld world = WORLD.get();
        WORLD.remove();
        if (world != null) {
            world.close();
        }
    }

    @ParameterType("device\\d+|the service|a client")
    public String actor(String actor) {
        return actor;
    }

    @ParameterType("a valid \\S+ token|an? \\S+ token with a forged signature|an? \\S+ token that expired \\d+ minutes ago")
    public String token(String description) {
        return world().token(description);
    }

    @ParameterType("device\\d+|the hub")
    public String audience(String who) {
        return who;
    }

    @ParameterType("(\\d+) (second|minute|hour|day)s?")
    public Duration duration(String amount, String unit) {
        return Duration.of(Long.parseLong(amount), ChronoUnit.valueOf(unit.toUpperCase() + "S"));
    }
}
