package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** A device's twin channel: requests as the SDKs send them, and the answers' types and bodies. */
public class TwinSteps {
    @Given("{actor} has a twin channel")
    public void channel(String actor) {
        world().twins().attached(actor);
    }

    @Given("{actor} has a twin channel whose sender sends pre-settled")
    public void presettledChannel(String actor) {
        world().twins().attached(actor, true);
    }

    @When("the simulator changes {actor}'s desired properties by {string}")
    public void desiredChanged(String actor, String json) {
        world().twins().desiredChangedBySimulator(json);
    }

    @Then("the twin channel gets a push without correlation-id, with \"resource\", an AMQP long \"version\" and that $version in its body")
    public void pushForm() {
        world().twins().expectPushForm();
    }

    @When("a twin {word} with a correlation-id of AMQP type {string} is sent")
    public void get(String operation, String type) {
        world().twins().request(operation, null, type, " ");
    }

    @When("a twin {word} of {string} with a correlation-id of AMQP type {string} is sent")
    public void onResource(String operation, String resource, String type) {
        world().twins().request(operation, resource, type, null);
    }

    @When("a twin {word} of {string} with a correlation-id of AMQP type {string} and body {string} is sent")
    public void onResourceWithBody(String operation, String resource, String type, String body) {
        world().twins().request(operation, resource, type, body);
    }

    @When("a twin GET with the correlation-id {string} + a GUID and no body section is sent")
    public void getAsDotNet(String prefix) {
        world().twins().requestAsDotNet("GET", null, prefix, null);
    }

    @When("a twin PATCH of {string} with the correlation-id {string} + a GUID, a null \"version\" and body {string} is sent")
    public void patchAsDotNet(String resource, String prefix, String body) {
        world().twins().requestAsDotNet("PATCH", resource, prefix, body);
    }

    @When("a twin {word} of {string} with body {string} is sent")
    public void withBody(String operation, String resource, String body) {
        world().twins().request(operation, resource, "uuid", body);
    }

    @Then("the twin request is settled {string}")
    public void settled(String outcome) {
        world().twins().expectRequestOutcome(outcome);
    }

    @Then("the twin answer echoes the correlation-id as AMQP type {string}")
    public void echoed(String type) {
        world().twins().expectCorrelationEchoed(type);
    }

    @Then("the twin answer's \"status\" is {int} of AMQP type {string}")
    public void statusOfType(int status, String type) {
        world().twins().expectStatus(status, type);
    }

    @Then("the twin answer's \"status\" is a 2xx AMQP int")
    public void success() {
        world().twins().expectSuccessStatus();
    }

    @Then("the twin answer's \"status\" is {int}")
    public void status(int status) {
        world().twins().expectStatus(status, null);
    }

    @Then("the twin answer's \"version\" is an AMQP long equal to the reported $version")
    public void version() {
        world().twins().expectVersionIsReportedVersion();
    }

    @Then("the twin answer's body holds desired and reported properties, each with its $version")
    public void versions() {
        world().twins().expectVersionsPresent();
    }

    @Then("the twin answer's body has {string} = {string}")
    public void bodyHas(String pointer, String json) {
        world().twins().expectBodyHas(pointer, json);
    }

    @Then("the twin answer's body has no {string}")
    public void bodyLacks(String pointer) {
        world().twins().expectBodyLacks(pointer);
    }

    @Then("the twin answer has no body or one Data section")
    public void dataOrNone() {
        world().twins().expectNoBodyOrOneDataSection();
    }
}
