package dev.hubsim.conformance.steps;

import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.world.HubWorld;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.ParameterType;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import org.opentest4j.TestAbortedException;

import java.util.List;

/** Thin glue: each step is one call on the scenario's {@link HubWorld}. */
public class HubSteps {
    private HubWorld world;

    @Before(order = 0)
    public void startScenario(Scenario scenario) {
        List<String> ids = scenario.getSourceTagNames().stream().map(t -> t.substring(1)).filter(t -> t.matches("[A-Z]+-[A-Z0-9]+-\\d+")).toList();
        world = new HubWorld(HubSpecs.target(), ids);
    }

    @Before(value = "@simulator", order = 1)
    public void needsTheSimulator() {
        if (HubSpecs.target().control().isEmpty()) {
            throw new TestAbortedException("not applicable: this scenario arranges its situation through the simulator's control, which "
                    + HubSpecs.target().describe() + " does not offer");
        }
    }

    @After
    public void endScenario() {
        world.close();
    }

    @ParameterType("device\\d+|the service|a client")
    public String actor(String actor) {
        return actor;
    }

    @ParameterType("a valid \\S+ token|an? \\S+ token with a forged signature|an? \\S+ token that expired \\d+ minutes ago")
    public String token(String description) {
        return world.token(description);
    }

    @ParameterType("device\\d+|the hub")
    public String audience(String who) {
        return who;
    }

    // --- connections

    @When("{actor} connects with SASL PLAIN as {string} with {token}")
    public void connectsPlain(String actor, String user, String token) throws Exception {
        world.connectPlain(actor, user, token);
    }

    @When("{actor} connect(s)/connected with SASL {word}")
    public void connects(String actor, String mechanism) throws Exception {
        world.connect(actor, mechanism);
    }

    @Given("{actor} is connected with SASL ANONYMOUS and has put a valid {word} token")
    public void connectedWithClaim(String actor, String who) throws Exception {
        world.connectWithClaim(actor, "a valid " + who + " token");
    }

    @Then("the SASL outcome is {string}")
    public void saslOutcome(String outcome) {
        world.expectSaslOutcome(outcome);
    }

    @Then("the connection is open")
    public void connectionOpen() {
        world.expectConnectionOpen();
    }

    // --- CBS

    @Given("a $cbs sender and receiver attached on one session")
    public void cbsAttached() {
        world.cbsAttached();
    }

    @Then("a put-token for {audience} with {token} is answered with status-code {int}")
    public void putTokenAnswered(String who, String token, int status) {
        world.putToken(who, token);
        world.expectStatus(status, null);
    }

    @When("a put-token for {audience} with {token} is sent with a message-id of AMQP type {string}")
    public void putTokenWithIdType(String who, String token, String type) {
        world.putTokenWithIdType(who, token, type);
    }

    @When("a put-token for {audience} with {token} is sent")
    public void putToken(String who, String token) {
        world.putToken(who, token);
    }

    @When("a put-token for {audience} with {token} and type {string} is sent")
    public void putTokenOfType(String who, String token, String type) {
        world.putTokenOfType(who, token, type);
    }

    @When("a put-token named {string} with {token} is sent")
    public void putTokenNamed(String name, String token) {
        world.putTokenNamed(name, token);
    }

    @When("a put-token for {audience} is sent with no {string} property")
    public void putTokenWithout(String who, String property) {
        world.putTokenWithout(who, property);
    }

    @When("a put-token for {audience} is sent with a body that is not a string")
    public void putTokenWithNonStringBody(String who) {
        world.putTokenWithNonStringBody(who);
    }

    @Then("the request is settled {string}")
    public void requestSettled(String outcome) {
        world.expectRequestOutcome(outcome);
    }

    @Then("the reply's \"status-code\" is {int}")
    public void replyStatusValue(int status) {
        world.expectStatus(status, null);
    }

    @Then("the reply's \"status-code\" is {int} of AMQP type {string}")
    public void replyStatus(int status, String type) {
        world.expectStatus(status, type);
    }

    @Then("the reply's {string} is {string}")
    public void replyProperty(String property, String value) {
        world.expectReplyProperty(property, value);
    }

    @Then("the reply's correlation-id equals the request's message-id, of AMQP type {string}")
    public void correlationEchoes(String type) {
        world.expectCorrelationEchoes(type);
    }

    // --- links and telemetry

    @When("a sender to {string} is attached")
    public void senderAttached(String address) {
        world.attachSender(address);
    }

    @Then("a sender to {string} attaches")
    public void senderAttaches(String address) {
        world.expectAttached(address);
    }

    @Then("the attach is refused with {string}")
    public void refused(String condition) {
        world.expectRefused(condition);
    }

    @Then("the attach is refused with {string} and a description starting {string}")
    public void refusedWithDescription(String condition, String prefix) {
        world.expectRefusedWithDescription(condition, prefix);
    }

    @Then("the refusal is an attach with a null target followed by a closing detach")
    public void refusalFraming() {
        world.expectRefusalFraming();
    }

    @When("a telemetry message of {int} bytes is sent on it")
    public void telemetry(int bytes) {
        world.sendTelemetry(bytes);
    }

    @Then("the transfer is settled {string}")
    public void settled(String outcome) {
        world.expectOutcome(outcome);
    }

    @Then("the transfer is rejected with {string}")
    public void rejected(String condition) {
        world.expectRejected(condition);
    }

    @Then("the hub grants it at least {int} credit")
    public void creditAtLeast(int credit) {
        world.expectCreditAtLeast(credit);
    }

    @Then("the hub grants it exactly {int} credit")
    public void creditExactly(int credit) {
        world.expectCreditExactly(credit);
    }

    // --- cloud-to-device and feedback

    @Given("{actor} has a receiver on {string}")
    public void receiverOn(String actor, String address) {
        world.receiverOn(actor, address);
    }

    @When("the service sends a cloud-to-device message to {actor}")
    public void sendC2d(String actor) {
        world.sendC2d(actor);
    }

    @When("the service sends a cloud-to-device message to {actor} with {string} set to {string}")
    public void sendC2dWithAck(String actor, String property, String value) {
        world.sendC2dWithAck(actor, value);
    }

    @When("the service sends another cloud-to-device message to {actor}")
    public void sendAnother(String actor) {
        world.sendAnotherC2d(actor);
    }

    @When("the service sends a cloud-to-device message with no \"to\" property")
    public void sendWithoutTo() {
        world.sendC2dWithoutTo();
    }

    @When("the service sends a cloud-to-device message to {string}")
    public void sendTo(String address) {
        world.sendC2dTo(address);
    }

    @When("the service sends a cloud-to-device message to an unknown device")
    public void sendToUnknown() {
        world.sendC2dToUnknownDevice();
    }

    @When("the service sends a cloud-to-device message with \"iothub-ack\" set to {string}")
    public void sendWithAckValue(String ack) {
        world.sendC2dWithAckValue(ack);
    }

    @When("the service sends a cloud-to-device message of {int} bytes to {actor}")
    public void sendOfSize(int bytes, String actor) {
        world.sendC2dOfSize(bytes, actor);
    }

    @When("the service sends {int} cloud-to-device messages to {actor}")
    public void sendMany(int count, String actor) {
        world.sendManyC2d(count, actor);
    }

    @Then("the service's transfer is settled {string}")
    public void serviceSettled(String outcome) {
        world.expectServiceOutcome(outcome);
    }

    @Then("the service's transfer is rejected with {string}")
    public void serviceRejected(String condition) {
        world.expectRejected(condition);
    }

    @When("{actor} receives that message")
    public void receivesThat(String actor) {
        world.receiveThat(actor);
    }

    @When("{actor} receives and releases that message {int} times")
    public void receivesAndReleases(String actor, int times) {
        world.receiveAndRelease(actor, times);
    }

    @When("the service sends {actor} a cloud-to-device message whose absolute-expiry-time has passed")
    public void sendsExpired(String actor) {
        world.sendExpiredC2d(actor);
    }

    @When("{actor} attaches {int} senders to {string}")
    public void attachesSenders(String actor, int count, String address) {
        world.attachSenders(count, address);
    }

    @Then("the connection is closed with {string} and a description starting {string}")
    public void connectionClosedWithPrefix(String condition, String prefix) {
        world.expectConnectionClosed(condition, prefix);
    }

    @When("{actor} settles it with {string}")
    public void settles(String actor, String outcome) {
        world.settle(actor, outcome);
    }

    @Then("the next message {actor} receives is the later one")
    public void nextIsLater(String actor) {
        world.expectNextIsLater(actor);
    }

    // --- redirect and the Event Hub-compatible endpoint

    @When("{actor} attaches a receiver to {string}")
    public void attachesReceiver(String actor, String address) {
        world.attachReceiver(actor, address);
    }

    @Then("the refusal's info carries {string}, {string}, {string} and {string}")
    public void refusalInfoKeys(String a, String b, String c, String d) {
        world.expectRefusalInfoKeys(List.of(a, b, c, d));
    }

    @Then("the refusal's info {string} ends with {string}")
    public void refusalInfoEndsWith(String key, String suffix) {
        world.expectRefusalInfoEndsWith(key, suffix);
    }

    @Given("the service has followed the redirect of {string} to the Event Hub-compatible endpoint")
    public void followedRedirect(String address) throws Exception {
        world.followRedirect(address);
    }

    @Given("the service has noted the last sequence number of every partition")
    public void notedPartitions() {
        world.notePartitions();
    }

    @Then("the service reads that message in consumer group {string} from the one partition that grew")
    public void readsFromEventHub(String consumerGroup) {
        world.readTelemetryFromEventHub(consumerGroup);
    }

    @Then("its annotation {string} is {string}")
    public void annotationText(String key, String value) {
        world.expectAnnotationText(key, value);
    }

    @Then("its delivery tag is 16 bytes and is the \"x-opt-lock-token\" annotation in .NET Guid byte order")
    public void lockTokenTag() {
        world.expectLockTokenTag();
    }

    @Then("its annotation {string} is {int} of AMQP type {string}")
    public void annotationValue(String key, int value, String type) {
        world.expectAnnotation(key, value, type);
    }

    @Then("its annotation {string} is of AMQP type {string}")
    public void annotationType(String key, String type) {
        world.expectAnnotation(key, null, type);
    }

    @Then("its property {string} is {string}")
    public void property(String name, String value) {
        world.expectProperty(name, value);
    }

    @Then("its message-id and body are the ones the service sent")
    public void sameMessage() {
        world.expectSameMessageAndBody();
    }

    @Then("{actor} completes {int} waiting messages")
    public void completes(String actor, int count) throws Exception {
        world.completeWaiting(actor, count);
    }

    @Then("a feedback record for that message arrives with statusCode {string} and deviceId {actor}")
    public void feedback(String statusCode, String actor) throws Exception {
        world.expectFeedback(statusCode, actor);
    }

    @Then("the feedback message has content-type {string} and user-id the hub name")
    public void feedbackProperties(String contentType) {
        world.expectFeedbackMessageProperties(contentType);
    }

    // --- token lifecycle and limits

    @When("the simulator expires {actor}'s claims")
    public void expireClaims(String actor) {
        world.expireClaims(actor);
    }

    @Then("the link is detached with {string} and a description starting {string}")
    public void detached(String condition, String prefix) {
        world.expectLinkDetached(condition, prefix);
    }

    @Given("the target plays the imp limit profile")
    public void impProfile() {
        world.useImpProfile();
    }

    @When("{actor} opens {int} connection(s) with SASL PLAIN")
    public void opensConnections(String actor, int count) throws Exception {
        world.openPlainConnections(actor, count);
    }

    @When("{actor} opens one more connection with SASL PLAIN")
    public void opensOneMore(String actor) throws Exception {
        world.openOneMore(actor);
    }

    @Then("that connection is closed with {string} and {string}")
    public void connectionClosed(String condition, String description) {
        world.expectLastConnectionClosed(condition, description);
    }

    @When("{actor} begins {int} sessions on it")
    public void beginsSessions(String actor, int count) {
        world.beginSessions(count);
    }

    @Then("the last session is ended with {string} and {string}")
    public void sessionEnded(String condition, String description) {
        world.expectLastSessionEnded(condition, description);
    }
}
