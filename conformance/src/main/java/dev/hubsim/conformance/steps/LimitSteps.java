package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** The imp profile's limits and credit, and hubsim's guards. */
public class LimitSteps {
    @Given("the target plays the imp limit profile")
    public void impProfile() {
        world().limits().useImpProfile();
    }

    @When("{actor} opens {int} connection(s) with SASL PLAIN")
    public void opensConnections(String actor, int count) throws Exception {
        world().limits().openPlainConnections(actor, count);
    }

    @When("{actor} opens one more connection with SASL PLAIN")
    public void opensOneMore(String actor) throws Exception {
        world().limits().openOneMore(actor);
    }

    @Then("that connection is closed with {string} and {string}")
    public void connectionClosed(String condition, String description) {
        world().limits().expectLastConnectionClosed(condition, description);
    }

    @When("{actor} begins {int} sessions on it")
    public void beginsSessions(String actor, int count) {
        world().limits().beginSessions(count);
    }

    @When("{actor} begins {int} sessions on each of them")
    public void beginsSessionsOnEach(String actor, int count) {
        world().limits().beginSessionsOnEach(count);
    }

    @When("{actor} begins one more session on it")
    public void beginsOneMore(String actor) {
        world().limits().beginOneMore();
    }

    @When("{actor} begins one more session on the last connection")
    public void beginsOneMoreOnLast(String actor) {
        world().limits().beginOneMore();
    }

    @Then("the last session is ended with {string} and {string}")
    public void sessionEnded(String condition, String description) {
        world().limits().expectLastSessionEnded(condition, description);
    }

    @Then("the first {int} sessions are still open")
    public void firstOpen(int count) {
        world().limits().expectFirstSessionsOpen(count);
    }

    @When("{actor} attaches {int} senders to {string}")
    public void attachesSenders(String actor, int count, String address) {
        world().limits().attachSenders(count, address);
    }

    @Then("its senders hold {int} credits between them, and no more {int} seconds later")
    public void sharedCredit(int total, int seconds) throws InterruptedException {
        world().limits().expectSharedCredit(total, seconds);
    }

    @When("{actor} spends the credit it was granted")
    public void spends(String actor) {
        world().limits().spendCredit();
    }

    @Then("the hub grants {int} credits more over about {int} seconds, not faster than {int} per second")
    public void regenerates(int credits, int seconds, int perSecond) {
        world().limits().expectRegeneration(credits, seconds, perSecond);
    }

    @Given("the target caps claims per connection low")
    public void claimCap() {
        world().limits().useClaimCapTarget();
    }

    @Given("the target throttles the next {int} device-to-cloud send(s) of {actor}")
    public void throttlesNext(int count, String actor) {
        world().limits().throttleNextSends(actor, count);
    }

    @Given("the target's daily message quota is used up")
    public void quotaUsedUp() {
        world().limits().useQuotaExhaustedTarget();
    }

    @Given("the target caps connections per address low")
    public void addressCap() {
        world().limits().useAddressCapTarget();
    }

    @When("a client opens as many connections as the target admits from one address")
    public void asManyAsAdmitted() throws Exception {
        world().limits().openAsManyAsAdmitted();
    }

    @Then("each of them is open")
    public void eachOpen() {
        world().limits().expectEachOpen();
    }

    @When("a client opens one more connection")
    public void oneMoreConnection() throws Exception {
        world().limits().openOneMoreAnonymous();
    }

    @Then("that connection ends before it is open")
    public void endsBeforeOpen() {
        world().limits().expectEndedBeforeOpen();
    }
}
