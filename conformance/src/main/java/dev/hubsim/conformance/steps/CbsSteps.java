package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** put-token requests on $cbs and their replies. */
public class CbsSteps {
    @Given("a $cbs sender and receiver attached on one session")
    public void cbsAttached() {
        world().cbs().attached();
    }

    @Then("a put-token for {audience} with {token} is answered with status-code {int}")
    public void putTokenAnswered(String who, String token, int status) {
        world().cbs().putToken(who, token);
        world().cbs().expectStatus(status, null);
    }

    @When("a put-token for {audience} with {token} is sent with a message-id of AMQP type {string}")
    public void putTokenWithIdType(String who, String token, String type) {
        world().cbs().putTokenWithIdType(who, token, type);
    }

    @When("a put-token for {audience} with {token} is sent")
    public void putToken(String who, String token) {
        world().cbs().putToken(who, token);
    }

    @When("a put-token for {audience} with {token} is sent without \"expiration\"")
    public void putTokenWithoutExpiration(String who, String token) {
        world().cbs().putToken(who, token);
    }

    @When("a put-token for {audience} with a valid {word} token is sent with \"expiration\" set to the token's expiry")
    public void putTokenWithExpiration(String who, String whose) {
        world().cbs().putTokenWithExpiration(who);
    }

    @When("a put-token for {audience} with a valid {word} token written as {string} is sent")
    public void putTokenWrittenAs(String audience, String who, String form) {
        world().cbs().putTokenWrittenAs(audience, who, form);
    }

    @When("a put-token for {audience} with {token} and type {string} is sent")
    public void putTokenOfType(String who, String token, String type) {
        world().cbs().putTokenOfType(who, token, type);
    }

    @When("a put-token named {string} with {token} is sent")
    public void putTokenNamed(String name, String token) {
        world().cbs().putTokenNamed(name, token);
    }

    @When("a put-token for {audience} is sent with no {string} property")
    public void putTokenWithout(String who, String property) {
        world().cbs().putTokenWithout(who, property);
    }

    @When("a put-token for {audience} is sent with a body that is not a string")
    public void putTokenWithNonStringBody(String who) {
        world().cbs().putTokenWithNonStringBody(who);
    }

    @Then("the request is settled {string}")
    public void requestSettled(String outcome) {
        world().cbs().expectRequestOutcome(outcome);
    }

    @Then("the request's disposition crossed the wire before the reply's transfer")
    public void settledBeforeReply() {
        world().cbs().expectSettledBeforeReply();
    }

    @Then("the reply's \"status-code\" is {int}")
    public void replyStatusValue(int status) {
        world().cbs().expectStatus(status, null);
    }

    @Then("the reply's \"status-code\" is {int} of AMQP type {string}")
    public void replyStatus(int status, String type) {
        world().cbs().expectStatus(status, type);
    }

    @Then("the reply's {string} is {string}")
    public void replyProperty(String property, String value) {
        world().cbs().expectReplyProperty(property, value);
    }

    @Then("the reply's correlation-id equals the request's message-id, of AMQP type {string}")
    public void correlationEchoes(String type) {
        world().cbs().expectCorrelationEchoes(type);
    }

    @When("put-tokens for as many distinct audiences under the hub as the target admits are sent with a valid service token")
    public void manyAudiences() {
        world().cbs().putManyAudiences();
    }

    @Then("every one of them is answered with status-code {int}")
    public void everyAnswered(int status) {
        world().cbs().expectEveryReply(status);
    }

    @When("a put-token for one audience more is sent with a valid service token")
    public void oneMore() {
        world().cbs().putOneAudienceMore();
    }

    @When("a put-token renewing the first of those audiences is sent with a valid service token")
    public void renewFirst() {
        world().cbs().renewFirstAudience();
    }

    @Then("the hub's $cbs receiver advertises a max-message-size of {long}")
    public void advertises(long size) {
        world().cbs().expectHubMaxMessageSize(size);
    }

    @When("a put-token request whose encoded message is {int} bytes is sent")
    public void requestOfSize(int bytes) {
        world().cbs().sendRequestOfSize(bytes);
    }

    @Then("the request is answered")
    public void answered() {
        world().cbs().expectAnswered();
    }

    @Then("the $cbs sender is detached with {string}")
    public void cbsDetached(String condition) {
        world().cbs().expectCbsSenderDetached(condition);
    }
}
