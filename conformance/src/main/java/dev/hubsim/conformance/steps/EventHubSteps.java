package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.List;

import static dev.hubsim.conformance.steps.Hooks.world;

/** The redirect and the Event Hub-compatible endpoint. */
public class EventHubSteps {
    @When("{actor} attaches a receiver to {string}")
    public void attachesReceiver(String actor, String address) {
        world().eventHub().attachReceiver(actor, address);
    }

    @Then("the refusal's info carries {string}, {string}, {string} and {string}")
    public void refusalInfoKeys(String a, String b, String c, String d) {
        world().eventHub().expectRefusalInfoKeys(List.of(a, b, c, d));
    }

    @Then("the refusal's info {string} ends with {string}")
    public void refusalInfoEndsWith(String key, String suffix) {
        world().eventHub().expectRefusalInfoEndsWith(key, suffix);
    }

    @Given("the service has followed the redirect of {string} to the Event Hub-compatible endpoint")
    public void followedRedirect(String address) throws Exception {
        world().eventHub().followRedirect(address);
    }

    @Given("the service has noted the last sequence number of every partition")
    public void notedPartitions() {
        world().eventHub().notePartitions();
    }

    @Then("the service reads that message in consumer group {string} from the one partition that grew")
    public void readsFromEventHub(String consumerGroup) {
        world().eventHub().readTelemetry(consumerGroup);
    }

    @Then("the event's properties and application properties are the ones {actor} set")
    public void sameTelemetryProperties(String actor) {
        world().eventHub().expectSameTelemetryProperties(actor);
    }

    @Then("the endpoint grants the service policy's Event Hubs token")
    public void endpointGrants() {
        world().eventHub().expectEndpointGrantsPolicyToken();
    }

    @When("{int} telemetry messages are sent on it")
    public void sendSeveral(int count) {
        world().eventHub().sendSeveral(count);
    }

    @When("a batch of {int} telemetry messages is sent on it")
    public void sendBatch(int count) {
        world().links().sendBatch(count);
    }

    @Then("each of those events carries its own sequence number, one after the other, {actor}'s stamp and what was sent")
    public void eachStampedAndNumbered(String actor) {
        world().eventHub().expectEachStampedAndNumbered(actor);
    }

    @Then("exactly one partition grew, by {int} events")
    public void onePartitionGrew(int count) {
        world().eventHub().expectOnePartitionWith(count);
    }

    @Given("{int} telemetry messages were sent on it and read back with their annotations")
    public void sentAndReadBack(int count) {
        world().eventHub().sendAndReadBack(count);
    }

    @When("the service reads {actor}'s partition with the filter {string}")
    public void readWithFilter(String actor, String filter) {
        world().eventHub().readWithFilter(filter);
    }

    @Then("the first event it gets is message {int}")
    public void firstIs(int message) {
        world().eventHub().expectFirstIs(message);
    }

    @Then("the first event it gets is the first message enqueued after message {int}")
    public void firstEnqueuedAfter(int message) {
        world().eventHub().expectFirstEnqueuedAfter(message);
    }
}
