package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Attaches, refusals and device telemetry. */
public class LinkSteps {
    @When("a sender to {string} is attached")
    public void senderAttached(String address) {
        world().links().attachSender(address);
    }

    @When("a sender to {string} with {string} set to {string} is attached")
    public void senderWithProperty(String address, String key, String value) {
        world().links().attachSenderWithProperty(address, key, value);
    }

    @When("a telemetry message with every property set is sent on it")
    public void telemetryWithEveryProperty() {
        world().links().sendTelemetryWithEveryProperty();
    }

    @Then("a sender to {string} attaches")
    public void senderAttaches(String address) {
        world().links().expectAttached(address);
    }

    @Then("the attach is refused with {string}")
    public void refused(String condition) {
        world().links().expectRefused(condition);
    }

    @Then("the attach is refused with {string} and a description starting {string}")
    public void refusedWithDescription(String condition, String prefix) {
        world().links().expectRefusedWithDescription(condition, prefix);
    }

    @Then("the refusal is an attach with a null target followed by a closing detach")
    public void refusalFraming() {
        world().links().expectRefusalFraming();
    }

    @When("a telemetry message of {int} bytes is sent on it")
    public void telemetry(int bytes) {
        world().links().sendTelemetry(bytes);
    }

    @When("a telemetry message whose counted size is {int} bytes is sent on it")
    public void telemetryOfCountedSize(int bytes) {
        world().links().sendTelemetryOfCountedSize(bytes);
    }

    @Then("a telemetry message of {int} bytes sent on it is settled {string}")
    public void telemetrySettled(int bytes, String outcome) {
        world().links().sendTelemetryExpecting(bytes, outcome);
    }

    @Then("the transfer is settled {string}")
    public void settled(String outcome) {
        world().expectOutcome(outcome);
    }

    @Then("the transfer is rejected with {string}")
    public void rejected(String condition) {
        world().expectRejected(condition);
    }

    @Then("the hub grants it at least {int} credit")
    public void creditAtLeast(int credit) {
        world().links().expectCreditAtLeast(credit);
    }

    @Then("the hub grants it exactly {int} credit")
    public void creditExactly(int credit) {
        world().links().expectCreditExactly(credit);
    }

    @Then("the link is detached with {string} and a description starting {string}")
    public void detached(String condition, String prefix) {
        world().links().expectLinkDetached(condition, prefix);
    }

    @Then("the link is still attached")
    public void stillAttached() {
        world().links().expectStillAttached();
    }
}
