package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Cloud-to-device messages, from the service's send to the device's outcome. */
public class CloudToDeviceSteps {
    @Given("{actor} has a receiver on {string}")
    public void receiverOn(String actor, String address) {
        world().c2d().receiverOn(actor, address);
    }

    @Given("{actor} has taken every message waiting for it")
    public void drained(String actor) {
        world().c2d().drain(actor);
    }

    @Given("{actor} has no receiver on {string}")
    public void noReceiver(String actor, String address) {
        world().c2d().noReceiver(actor);
    }

    @When("the service sends a cloud-to-device message to {actor}")
    public void send(String actor) {
        world().c2d().send(actor);
    }

    @When("the service sends a cloud-to-device message to {actor} without \"iothub-ack\"")
    public void sendWithoutAck(String actor) {
        world().c2d().send(actor);
    }

    @When("the service sends a cloud-to-device message to {actor} with \"iothub-ack\" set to {string}")
    public void sendWithAck(String actor, String ack) {
        world().c2d().sendWithAck(actor, ack);
    }

    @When("the service sends another cloud-to-device message to {actor}")
    public void sendAnother(String actor) {
        world().c2d().sendAnother(actor);
    }

    @When("the service sends a cloud-to-device message with no \"to\" property")
    public void sendWithoutTo() {
        world().c2d().sendWithoutTo();
    }

    @When("the service sends a cloud-to-device message to {string}")
    public void sendTo(String address) {
        world().c2d().sendTo(address);
    }

    @When("the service sends a cloud-to-device message to an unknown device")
    public void sendToUnknown() {
        world().c2d().sendToUnknownDevice();
    }

    @When("the service sends a cloud-to-device message with \"iothub-ack\" set to {string}")
    public void sendWithAckValue(String ack) {
        world().c2d().sendWithAckValue(ack);
    }

    @When("the service sends {actor} a cloud-to-device message whose counted size is {int} bytes")
    public void sendOfCountedSize(String actor, int bytes) {
        world().c2d().sendOfCountedSize(actor, bytes);
    }

    @When("the service sends {actor} a cloud-to-device message with every property set")
    public void sendWithEveryProperty(String actor) {
        world().c2d().sendWithEveryProperty(actor);
    }

    @When("the service sends {int} cloud-to-device messages to {actor}")
    public void sendMany(int count, String actor) {
        world().c2d().sendMany(count, actor);
    }

    @When("the service sends {actor} a cloud-to-device message whose absolute-expiry-time has passed")
    public void sendsExpired(String actor) {
        world().c2d().sendExpired(actor, null);
    }

    @When("the service sends {actor} a cloud-to-device message whose absolute-expiry-time has passed with \"iothub-ack\" set to {string}")
    public void sendsExpiredWithAck(String actor, String ack) {
        world().c2d().sendExpired(actor, ack);
    }

    @When("the service sends {actor} a cloud-to-device message without an absolute-expiry-time")
    public void sendsWithoutExpiry(String actor) {
        world().c2d().send(actor);
    }

    @When("the service sends {actor} a cloud-to-device message whose absolute-expiry-time is in {duration}")
    public void sendsExpiringIn(String actor, Duration in) {
        world().c2d().sendExpiringIn(actor, in);
    }

    @Then("the service's transfer is settled {string}")
    public void serviceSettled(String outcome) {
        world().c2d().expectServiceOutcome(outcome);
    }

    @Then("the service's transfer is rejected with {string}")
    public void serviceRejected(String condition) {
        world().expectRejected(condition);
    }

    @When("{actor} receives that message")
    public void receivesThat(String actor) {
        world().c2d().receiveThat(actor);
    }

    @When("{actor} receives that message and leaves it unsettled")
    public void receivesAndHolds(String actor) {
        world().c2d().receiveAndHold(actor);
    }

    @Then("{actor} receives that message again, not before the target's lock timeout")
    public void receivesAgainAfterLock(String actor) {
        world().c2d().expectRedeliveredAfter(actor, world().times().lockTimeout());
    }

    @Then("{actor} receives that message again, not before {int} seconds")
    public void receivesAgainAfter(String actor, int seconds) {
        world().c2d().expectRedeliveredAfter(actor, Duration.ofSeconds(seconds));
    }

    @When("{actor} receives and releases that message {int} times")
    public void receivesAndReleases(String actor, int times) {
        world().c2d().receiveAndRelease(actor, times);
    }

    @When("{actor} settles it with {string}")
    public void settles(String actor, String outcome) {
        world().c2d().settle(actor, outcome);
    }

    @Then("the next message {actor} receives is the later one")
    public void nextIsLater(String actor) {
        world().c2d().expectNextIsLater(actor);
    }

    @Then("the next message {actor} receives is the first one")
    public void nextIsFirst(String actor) {
        world().c2d().expectNextIsFirst(actor);
    }

    @Then("its delivery tag is 16 bytes and is the \"x-opt-lock-token\" annotation in .NET Guid byte order")
    public void lockTokenTag() {
        world().c2d().expectLockTokenTag();
    }

    @Then("its annotation {string} is {int} of AMQP type {string}")
    public void annotationValue(String key, int value, String type) {
        world().c2d().expectAnnotation(key, value, type);
    }

    @Then("its annotation {string} is of AMQP type {string}")
    public void annotationType(String key, String type) {
        world().c2d().expectAnnotation(key, null, type);
    }

    @Then("its annotation {string} is {string}")
    public void annotationText(String key, String value) {
        world().c2d().expectAnnotationText(key, value);
    }

    @Then("its property {string} is {string}")
    public void property(String name, String value) {
        world().c2d().expectProperty(name, value);
    }

    @Then("its message-id and body are the ones the service sent")
    public void sameMessage() {
        world().c2d().expectSameMessageAndBody();
    }

    @Then("its properties and application properties are the ones the service set")
    public void sameProperties() {
        world().c2d().expectSameProperties();
    }

    @Then("{actor} completes {int} waiting messages")
    public void completes(String actor, int count) throws Exception {
        world().c2d().completeWaiting(actor, count);
    }

    @When("the simulator purges {actor}'s cloud-to-device queue")
    public void purges(String actor) {
        world().c2d().purge(actor);
    }
}
