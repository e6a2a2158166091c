package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.List;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Feedback records on /messages/serviceBound/feedback. */
public class FeedbackSteps {
    @Then("a feedback record for that message arrives with statusCode {string} and deviceId {actor}")
    public void feedback(String statusCode, String actor) throws Exception {
        world().c2d().feedback().expectRecord(statusCode, actor);
    }

    @Then("the record has {string}, {string}, {string}, {string}, {string} and {string}")
    public void recordFields(String a, String b, String c, String d, String e, String f) {
        world().c2d().feedback().expectRecordFields(List.of(a, b, c, d, e, f));
    }

    @Then("the feedback message has content-type {string} and user-id the hub name")
    public void feedbackProperties(String contentType) {
        world().c2d().feedback().expectMessageProperties(contentType);
    }

    @When("the service sends a sentinel message with \"iothub-ack\" set to {string} that {actor} completes")
    public void sentinel(String ack, String actor) {
        world().c2d().feedback().sendSentinel(ack, actor);
    }

    @Then("no feedback record for that message arrives before the sentinel's")
    public void noRecord() throws Exception {
        world().c2d().feedback().expectNoRecordBeforeSentinel();
    }
}
