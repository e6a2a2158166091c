package dev.hubsim.conformance.steps;

import dev.hubsim.conformance.world.TimeChecks;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;

import java.time.Duration;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Time passing: the timing target, token expiry, the simulator's clock. */
public class TimeSteps {
    @Given("the target is the timing target")
    public void timingTarget() {
        world().times().useTimingTarget();
    }

    @When("the first token's expiry has passed by {int} seconds")
    public void pastExpiry(int seconds) throws InterruptedException {
        world().times().waitPastFirstExpiry(Duration.ofSeconds(seconds));
    }

    @When("the first token's expiry has passed by the clock-skew allowance and {int} seconds")
    public void pastExpiryAndSkew(int seconds) throws InterruptedException {
        world().times().waitPastFirstExpiry(TimeChecks.clockSkewAllowance().plusSeconds(seconds));
    }

    @When("the target's clock moves forward by {duration}")
    public void moveClock(Duration by) {
        world().times().moveClock(by);
    }
}
