package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;

import static dev.hubsim.conformance.steps.Hooks.world;

/** SASL, connections and the claims that open them. */
public class ConnectionSteps {
    @When("{actor} connects with SASL PLAIN as {string} with {token}")
    public void connectsPlain(String actor, String user, String token) throws Exception {
        world().connectPlain(actor, user, token);
    }

    @When("{actor} connect(s)/connected with SASL {word}")
    public void connects(String actor, String mechanism) throws Exception {
        world().connect(actor, mechanism);
    }

    @Given("{actor} is connected with SASL ANONYMOUS and has put a valid {word} token")
    public void connectedWithClaim(String actor, String who) throws Exception {
        world().connectWithClaim(actor, "a valid " + who + " token");
    }

    @Given("{actor} is connected with SASL ANONYMOUS and has put a {word} token valid for {int} seconds")
    public void connectedWithShortClaim(String actor, String who, int seconds) throws Exception {
        world().connectWithShortToken(actor, who, Duration.ofSeconds(seconds));
    }

    @Then("the SASL outcome is {string}")
    public void saslOutcome(String outcome) {
        world().expectSaslOutcome(outcome);
    }

    @Then("the connection is open")
    public void connectionOpen() {
        world().expectConnectionOpen();
    }

    @Then("the connection was never closed")
    public void neverClosed() {
        world().expectNeverClosed();
    }

    @Then("the connection is closed with {string} and a description starting {string}")
    public void connectionClosedWithPrefix(String condition, String prefix) {
        world().expectConnectionClosed(condition, prefix);
    }

    @When("the simulator expires {actor}'s claims")
    public void expireClaims(String actor) {
        world().expireClaims(actor);
    }
}
