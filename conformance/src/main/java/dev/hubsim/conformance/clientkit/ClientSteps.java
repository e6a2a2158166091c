package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.ClientStatementReport;
import dev.hubsim.conformance.client.ClientWorld;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import org.opentest4j.TestAbortedException;

import java.util.List;
import java.util.Map;

/** Thin glue: each step hands its parameters to {@link ClientWorld}, which drives the adapter and judges. */
public class ClientSteps {
    private ClientWorld world;
    private String lastSession;

    @Before
    public void start(Scenario scenario) {
        ClientKit.Run run = ClientKit.current();
        for (String tag : scenario.getSourceTagNames()) {
            if (tag.startsWith("@needs-protocol-")) {
                int version = Integer.parseInt(tag.substring("@needs-protocol-".length()));
                if (run.protocolVersion() < version) {
                    throw new TestAbortedException("NOT APPLICABLE: the adapter speaks protocol version " + run.protocolVersion()
                            + "; this scenario needs version " + version);
                }
            } else if (tag.startsWith("@needs-") && !run.capabilities().contains(tag.substring(7))) {
                throw new TestAbortedException("NOT APPLICABLE: the adapter lacks the capability '" + tag.substring(7) + "'");
            }
        }
        String statement = scenario.getSourceTagNames().stream().filter(t -> t.startsWith("@IMP-")).map(t -> t.substring(1))
                .findFirst().orElse("IMP-?");
        world = new ClientWorld(run.adapter(), run.hub(), statement);
    }

    /** A failed scenario attaches its evidence (the hub's frames, the adapter's events) for the report; then the agent is reset. */
    @After
    public void finish(Scenario scenario) {
        if (world == null) {
            return;
        }
        try {
            if (scenario.isFailed()) {
                scenario.attach(world.evidence(150), "application/json", ClientStatementReport.EVIDENCE);
            }
        } finally {
            world.finish();
        }
    }

    @Given("the hub holds its Begin and Attach answers to {word} for {int} ms")
    public void holdAnswers(String device, int ms) {
        world.holdAnswers(device, ms);
    }

    @When("it opens session {string} on {string} without a callback")
    public void openSessionWithoutCallback(String s, String c) {
        world.openSessionOk(s, c, false);
    }

    @When("it opens sender {string} to {string} on {string} without a callback")
    public void openSenderWithoutCallback(String l, String path, String s) {
        world.openSenderOk(l, path, s, false);
    }

    @Then("the callback of {string} hears {word}")
    public void heard(String owner, String event) {
        world.expectHeard(owner, event);
    }

    @Then("the callback of {string} heard nothing but {word}")
    public void heardOnly(String owner, String event) {
        world.expectHeardOnly(owner, List.of(event));
    }

    @Then("{string} reported no {word}")
    public void reportedNo(String object, String event) {
        world.expectNoEvent(object, event);
    }

    @Then("{string}, {string} and {string} each reported OPEN exactly once")
    public void openOnce(String a, String b, String c) {
        world.expectOpenOnce(List.of(a, b, c));
    }

    @Then("{string}, {string} and {string} are not open")
    public void threeNotOpen(String a, String b, String c) {
        List.of(a, b, c).forEach(o -> world.expectOpen(o, false, "after the release"));
    }

    @Then("the hub saw the client close the connection")
    public void clientClosed() {
        world.expectConnectionClosedByClient();
    }

    @Then("no event is reported for {string}, {string} or {string} after the release")
    public void noEventsAfterRelease(String a, String b, String c) {
        world.expectNoEventsAfterRelease(List.of(a, b, c));
    }

    @Then("opening one more connection succeeds")
    public void oneMoreConnection() {
        world.expectSucceeds(world.openConnection(world.autoName("c"), "device1"), "openconnection");
    }

    @Then("opening one more session on {string} succeeds")
    public void oneMoreSession(String c) {
        world.expectSucceeds(world.openSession(world.autoName("s"), c), "opensession");
    }

    @Then("opening one more sender to {string} on {string} succeeds")
    public void oneMoreSender(String path, String s) {
        world.expectSucceeds(world.openSender(world.autoName("l"), path, s), "opensender");
    }

    @Then("at least {int} were taken before the error {string}")
    public void burstAtLeast(int least, String error) {
        world.expectBurstAtLeast(least, error);
    }

    @Then("at most {int} plus {int} per second of sending were taken before one failed")
    public void burstAtMost(int capacity, int perSecond) {
        world.expectBurstAtMost(capacity, perSecond);
    }

    @Then("{int} per second of waiting were taken, within one message")
    public void regenerated(int perSecond) {
        world.expectRegenerated(perSecond);
    }

    @Then("after {int} ms the hub has seen no settlement of it")
    public void unsettled(int ms) {
        world.expectUnsettledAfter(ms);
    }

    @When("the agent calls {word} on that delivery")
    public void settle(String op) {
        world.settle(op);
    }

    @Given("a fresh client agent")
    public void freshAgent() {
        // the world configured a fresh agent in @Before
    }

    @When("the agent opens connection {string} as {word}")
    public void openConnectionAs(String c, String device) {
        world.openConnectionOk(c, device);
    }

    @When("the agent opens connection {string} to a port where nothing listens")
    public void openConnectionToNowhere(String c) throws Exception {
        world.openConnectionToNowhere(c);
    }

    @When("it opens session {string} on {string}")
    public void openSession(String s, String c) {
        world.openSessionOk(s, c);
    }

    @When("it opens sender {string} to {string} on {string}")
    public void openSender(String l, String path, String s) {
        world.openSenderOk(l, path, s);
    }

    @When("it opens receiver {string} from {string} on {string}")
    public void openReceiver(String r, String path, String s) {
        world.openReceiverOk(r, path, s);
    }

    @Given("sender {string} to {string} is open on session {string} of connection {string} as {word}")
    public void senderChain(String l, String path, String s, String c, String device) {
        world.openLinkChain(c, device, s, l, path, false);
    }

    @Given("{string} to {string} is open on session {string} of connection {string} as {word}")
    public void linkChain(String l, String path, String s, String c, String device) {
        world.openLinkChain(c, device, s, l, path, false);
    }

    @Given("session {string} is open on connection {string} opened anonymously")
    public void sessionAnonymous(String s, String c) {
        world.openSessionChain(c, null, s);
    }

    @Given("session {string} is open on connection {string} opened as {word}")
    public void sessionAs(String s, String c, String device) {
        world.openSessionChain(c, device, s);
    }

    @Then("{string} reports {word}")
    public void reports(String object, String event) {
        world.awaitEvent(object, event);
    }

    @When("{string} and {string} report their OPEN events")
    public void bothOpen(String sender, String receiver) {
        world.awaitEvent(sender, "SENDER_OPEN");
        world.awaitEvent(receiver, "RECEIVER_OPEN");
    }

    @Then("{string} reports {word} with a non-empty errorDetail")
    public void reportsWithDetail(String object, String event) {
        world.expectErrorWithDetail(object, event);
    }

    @Then("{string} reports {word} with the description the hub sent in its detach")
    public void reportsHubDescription(String object, String event) {
        world.expectErrorWithHubDescription(object, event);
    }

    @Then("every OPEN event so far has a null errorDetail")
    public void openEventsNullDetail() {
        world.expectOpenEventsHaveNullDetail();
    }

    @Then("{string} is not open at once")
    public void notOpenAtOnce(String object) {
        world.expectOpen(object, false, "right after the call returned");
    }

    @Then("{string} is not open")
    public void notOpen(String object) {
        world.expectOpen(object, false, "now");
    }

    @Then("{string}, {string} and {string} are open")
    public void allOpen(String a, String b, String c) {
        List.of(a, b, c).forEach(o -> world.expectOpen(o, true, "after its OPEN event"));
    }

    @Then("{string} and {string} are not open")
    public void bothNotOpen(String a, String b) {
        List.of(a, b).forEach(o -> world.expectOpen(o, false, "after the release"));
    }

    @Then("each OPEN event came after the hub sent its answer \\(Open, Begin, Attach)")
    public void opensAfterAnswers() {
        world.expectOpensAfterAnswers();
    }

    @Then("the OPEN events arrived in the order {word} {word} {word}")
    public void openOrder(String a, String b, String c) {
        world.expectOpenOrder(List.of(a.replace(",", ""), b.replace(",", ""), c));
    }

    @When("the agent releases {string}")
    public void release(String object) {
        world.release(object);
    }

    @Then("the hub saw the client detach {string} before it ended the session")
    public void detachBeforeEnd(String path) {
        world.expectDetachBeforeEnd(path);
    }

    @Then("no event is reported for {string} or {string} after the release")
    public void noEventsAfterRelease(String a, String b) {
        world.expectNoEventsAfterRelease(List.of(a, b));
    }

    @When("the agent opens {int} connections as {word}")
    public void openConnections(int n, String device) {
        for (int i = 0; i < n; i++) {
            world.openConnectionOk(world.autoName("c"), device);
        }
    }

    @Then("opening one more connection fails with {string}")
    public void connectionFails(String error) {
        world.expectFails(world.openConnection(world.autoName("c"), "device1"), "openconnection", error);
    }

    @When("the agent opens {int} sessions on {string}")
    public void openSessions(int n, String c) {
        for (int i = 0; i < n; i++) {
            world.openSessionOk(world.autoName("s"), c);
        }
    }

    @Then("opening one more session on {string} fails with {string}")
    public void sessionFails(String c, String error) {
        world.expectFails(world.openSession(world.autoName("s"), c), "opensession", error);
    }

    @When("the agent opens {int} senders to {string} on {string}")
    public void openSenders(int n, String path, String s) {
        for (int i = 0; i < n; i++) {
            world.openSenderOk(world.autoName("l"), path, s);
        }
    }

    @Then("opening one more sender to {string} on {string} fails with {string}")
    public void senderFails(String path, String s, String error) {
        world.expectFails(world.openSender(world.autoName("l"), path, s), "opensender", error);
    }

    @Then("opening one more receiver from {string} on {string} fails with {string}")
    public void receiverFails(String path, String s, String error) {
        world.expectFails(world.openReceiver(world.autoName("r"), path, s), "openreceiver", error);
    }

    @Given("the hub grants {int} credit to {string}")
    public void grant(int credit, String sender) {
        world.grantCredit(sender, credit);
    }

    @When("the agent sends {int} messages on {string} at once")
    public void sendMany(int n, String sender) {
        world.sendMany(sender, n);
    }

    @Then("none of them failed")
    public void noneFailed() {
        world.expectNoSendErrors();
    }

    @When("the agent sends messages on {string} until one fails, at most {int}")
    public void sendUntilFailure(String sender, int max) {
        world.sendUntilFailure(sender, max);
    }


    @When("{int} ms pass")
    public void pass(int ms) throws InterruptedException {
        Thread.sleep(ms); // the statement is about time: credit regenerates with it
    }

    @Then("{int} more messages on {string} are sent without error")
    public void moreSent(int n, String sender) {
        world.sendMany(sender, n);
        world.expectNoSendErrors();
    }

    @Then("after {int} ms the hub has seen {int} transfers on {string}")
    public void transfersAfter(int ms, int n, String sender) {
        world.expectTransfersAfter(ms, sender, n);
    }

    @Then("the hub sees {int} transfers on {string}")
    public void transfersSeen(int n, String sender) {
        world.awaitTransfers(sender, n);
    }

    @Then("{int} transfer(s) was/were reported sent with outcome {string}")
    public void sentOutcome(int n, String outcome) {
        world.expectSent(n, outcome);
    }

    @When("the agent sends the messages {string}, {string}, {string}, {string}, {string} on {string}")
    public void sendFive(String a, String b, String c, String d, String e, String sender) {
        for (String body : List.of(a, b, c, d, e)) {
            world.send(sender, body, Map.of(), false);
        }
    }

    @Then("the hub stored for {word} the bodies {string}, {string}, {string}, {string}, {string} in that order")
    public void storedInOrder(String device, String a, String b, String c, String d, String e) {
        world.expectStoredBodies(device, List.of(a, b, c, d, e));
    }

    @When("the agent sends the message {string} on {string}")
    public void sendOne(String body, String sender) {
        world.send(sender, body, Map.of(), false);
    }

    @When("the agent sends the binary message {string} on {string}")
    public void sendBinary(String base64, String sender) {
        world.send(sender, base64, Map.of(), true);
    }

    @When("the agent sends the message {string} on {string} with the properties {string}")
    public void sendWithProperties(String body, String sender, String json) {
        world.send(sender, body, ClientWorld.properties(json), false);
    }

    @Then("the hub stored for {word} a message whose body is an AMQP value string {string}")
    public void storedValue(String device, String text) {
        world.expectValueBody(device, text);
    }

    @Then("the hub stored for {word} a message whose body is a data section {string}")
    public void storedData(String device, String base64) {
        world.expectDataBody(device, base64);
    }

    @Then("the hub stored for {word} a message whose properties have these AMQP types")
    public void storedTypes(String device, DataTable table) {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        table.asMaps().forEach(row -> expected.put(row.get("property"), row.get("type")));
        world.expectPropertyTypes(device, expected);
    }

    @When("the agent sends a put-token for {word} on {string}")
    public void putToken(String device, String sender) {
        world.sendPutToken(sender, device);
    }

    @Then("{string} receives a message with property {string} {long}")
    public void receives(String receiver, String property, long value) {
        world.expectReceivedProperty(receiver, property, value);
    }

    @When("the hub sends {word} a cloud-to-device message {string} with property {string} {long}")
    public void c2d(String device, String body, String property, long value) {
        world.sendCloudToDevice(device, body, property, value);
    }

    @When("the device client {string} opens for {word}")
    public void deviceOpen(String name, String device) {
        world.deviceOpen(name, device, 3600);
    }

    @When("the device client {string} opens for {word} with tokens valid for {int} seconds")
    public void deviceOpenShort(String name, String device, int seconds) {
        world.deviceOpen(name, device, seconds);
    }

    @When("{string} sends the telemetry {string}")
    public void deviceSend(String name, String body) {
        world.deviceSend(name, body);
    }

    @Then("{string} receives a message with property {string} {string}")
    public void receivesText(String receiver, String property, String value) {
        world.expectReceivedText(receiver, property, value);
    }

    @Then("the hub sees a second put-token for {word} on the same connection before the first token expired")
    public void renewal(String device) {
        world.expectRenewalBeforeExpiry(device);
    }

    @Then("the hub detached no link of the connection with {string}")
    public void noDetach(String condition) {
        world.expectNoDetachWith(condition);
    }

    @When("the hub sends {word} a cloud-to-device message {string} with property {string} {string}")
    public void c2dText(String device, String body, String property, String value) {
        world.sendCloudToDevice(device, body, property, value);
    }

    @When("the agent accepts that delivery")
    public void accept() {
        world.accept();
    }

    @Then("the hub sees the client settle it {string}")
    public void settled(String state) {
        world.expectSettled(state);
    }

    @Then("the hub saw the put-token before the attach of {string}")
    public void putTokenFirst(String path) {
        world.expectPutTokenBeforeAttach(path);
    }
}
