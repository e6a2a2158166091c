package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.nio.charset.StandardCharsets;

import static dev.hubsim.conformance.steps.Hooks.world;

/** The MQTT face, through the kit's MQTT probe (Eclipse Paho). */
public class MqttSteps {
    @When("{actor} connects over MQTT with {token}")
    public void connects(String actor, String token) throws Exception {
        world().mqtt().connect(actor, token, null);
    }

    @When("{actor} connects over MQTT with {token} and the client id {string}")
    public void connectsAs(String actor, String token, String clientId) throws Exception {
        world().mqtt().connect(actor, token, clientId);
    }

    @Given("{actor} is connected over MQTT")
    public void connected(String actor) throws Exception {
        world().mqtt().connect(actor, world().token("a valid " + actor + " token"), null);
        world().mqtt().expectConnack(0);
    }

    @Then("the CONNACK return code is {int}")
    public void connack(int code) {
        world().mqtt().expectConnack(code);
    }

    @When("{actor} publishes a telemetry message with a property bag over MQTT at QoS {int}")
    public void publishesTelemetry(String actor, int qos) {
        world().mqtt().publishTelemetry(actor, qos);
    }

    @When("{actor} publishes {string} over MQTT to {string} at QoS {int}")
    public void publishes(String actor, String body, String topic, int qos) {
        world().mqtt().publish(actor, topic, body.getBytes(StandardCharsets.UTF_8), qos);
    }

    @Then("the PUBLISH is acknowledged")
    public void acknowledged() {
        world().mqtt().expectPuback();
    }

    @When("{actor} subscribes over MQTT to {string} at QoS {int}")
    public void subscribes(String actor, String filter, int qos) {
        world().mqtt().subscribe(actor, filter, qos);
    }

    @Then("the SUBACK grants QoS {int}")
    public void granted(int qos) {
        world().mqtt().expectGranted(qos);
    }

    @Then("the hub closes {actor}'s MQTT connection")
    public void closed(String actor) {
        world().mqtt().expectClosed(actor);
    }

    @Then("the hub closes {actor}'s first MQTT connection")
    public void firstClosed(String actor) {
        world().mqtt().expectFirstClosed(actor);
    }

    @Then("{actor}'s MQTT connection is open")
    public void open(String actor) {
        world().mqtt().expectOpen(actor);
    }

    @Then("{actor} receives a PUBLISH over MQTT")
    public void receives(String actor) throws InterruptedException {
        world().mqtt().receive(actor);
    }

    @Then("its topic is {actor}'s devicebound topic with the message's properties in the bag")
    public void cloudToDeviceTopic(String actor) {
        world().mqtt().expectCloudToDeviceTopic(actor);
    }

    @Then("its topic is {string}")
    public void topic(String topic) {
        world().mqtt().expectTopic(topic);
    }

    @Then("its topic matches {string}")
    public void topicMatches(String regex) {
        world().mqtt().expectTopicMatching(regex);
    }

    @Then("its body contains {string}")
    public void bodyContains(String text) {
        world().mqtt().expectBodyContains(text);
    }
}
