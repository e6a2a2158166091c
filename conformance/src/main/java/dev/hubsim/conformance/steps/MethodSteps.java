package dev.hubsim.conformance.steps;

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
