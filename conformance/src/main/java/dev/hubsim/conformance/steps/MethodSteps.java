package dev.hubsim.conformance.steps;

import dev.hubsim.conformance.world.MethodChecks;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Direct methods: the device's link pair, the service's REST call, both sides' view. */
public class MethodSteps {
    @Given("{actor} has attached its method receiver and sender")
    public void subscribe(String actor) {
        world().methods().subscribe(actor);
    }

    @Given("{actor} has attached its method links as the C SDK does, named by the device id alone")
    public void subscribeAsC(String actor) {
        world().methods().subscribe(actor, MethodChecks.Sdk.C);
    }

    @Given("{actor} has attached its method receiver and a sender that sends pre-settled")
    public void subscribeAsDotNet(String actor) {
        world().methods().subscribe(actor, MethodChecks.Sdk.DOTNET);
    }

    @Then("the request's correlation-id is an RFC 4122 uuid of version 1 to 5")
    public void rfc4122() {
        world().methods().expectRfc4122CorrelationId();
    }

    @When("the device answers a request the hub never sent, with status {int}")
    public void answerUnknown(int status) {
        world().methods().answerUnknown(status);
    }

    @Then("that answer is settled {string}")
    public void unknownAnswerOutcome(String outcome) {
        world().methods().expectUnknownAnswerOutcome(outcome);
    }

    @When("the device answers with status {int} and no body")
    public void answerWithoutBody(int status) {
        world().methods().answer(status, null);
    }

    @When("the service invokes method {string} on {actor} with payload {string}, response timeout {int} s and connect timeout {int} s")
    public void invoke(String method, String actor, String payload, int responseTimeout, int connectTimeout) {
        world().methods().invoke(actor, method, payload, responseTimeout, connectTimeout);
    }

    @Then("the device receives a request for method {string} with payload {string}")
    public void expectRequest(String method, String payload) throws Exception {
        world().methods().expectRequest(method, payload);
    }

    @When("the device takes the request")
    public void takeRequest() {
        world().methods().takeRequest();
    }

    @When("the device answers with status {int} and payload {string}")
    public void answer(int status, String payload) {
        world().methods().answer(status, payload);
    }

    @Then("the service's call returns status {int} and payload {string}")
    public void expectResult(int status, String payload) throws Exception {
        world().methods().expectResult(status, payload);
    }

    @Then("the service's call fails with HTTP {int} and error code {int}")
    public void expectError(int httpStatus, int code) throws Exception {
        world().methods().expectError(httpStatus, code);
    }
}
