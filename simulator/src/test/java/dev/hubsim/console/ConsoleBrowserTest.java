package dev.hubsim.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (headless Chromium): log in as IoT Explorer does, watch a device connect, its
 * telemetry arrive live, send C2D and see the feedback, apply a fault that the hub then enforces, and read a
 * connection's frames in order as a sequence diagram. Each check is one a broken console would fail.
 */
class ConsoleBrowserTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder()
            .configure(b -> b.cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(Duration.ofMillis(200))))
            .build();
    private static final String EVENTS = "/devices/device1/messages/events";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Browser browser;

    private AmqpTestClient device;

    @BeforeAll
    static void openBrowser() throws Exception {
        if (!Browser.available()) {
            String why = "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        browser = new Browser();
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void logIn() {
        HubSimulator hub = HUB.simulator();
        browser.driver.get(hub.consoleUrl());
        WebElement secret = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-secret")));
        secret.sendKeys(hub.policyConnectionString("iothubowner"));
        browser.driver.findElement(By.id("login-submit")).click();
        browser.wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "live"));
    }

    @AfterEach
    void disconnect() {
        if (device != null) {
            device.close();
        }
    }

    private AmqpTestClient connectDevice1() throws Exception {
        HubSimulator hub = HUB.simulator();
        device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
        return device;
    }

    private String connectionOf(String identity) {
        return HUB.simulator().connections().stream().filter(c -> c.identities().contains(identity)).map(ConnectionInfo::id)
                .findFirst().orElseThrow();
    }

    private void tab(String name) {
        browser.driver.findElement(By.id("tab-" + name)).click();
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("panel-" + name)));
    }

    private WebElement waitFor(String css) {
        return browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    @Test
    void aWrongLoginIsRefusedAndThePageStaysLocked() {
        HubSimulator hub = HUB.simulator();
        browser.driver.findElement(By.id("logout")).click();
        WebElement secret = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-secret")));
        // The right policy with another key, then a policy that is not iothubowner.
        secret.sendKeys("HostName=" + hub.hub().primaryHostName() + ";SharedAccessKeyName=iothubowner;SharedAccessKey="
                + java.util.Base64.getEncoder().encodeToString("not the key of iothubowner".getBytes(StandardCharsets.UTF_8)));
        browser.driver.findElement(By.id("login-submit")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("login-error"), java.util.regex.Pattern.compile("Login refused: 401 .*IotHubUnauthorizedAccess")));
        assertFalse(browser.driver.findElement(By.id("app")).isDisplayed());
        secret.clear();
        secret.sendKeys(hub.policyConnectionString("service"));
        browser.driver.findElement(By.id("login-submit")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("login-error"), java.util.regex.Pattern.compile("needs the iothubowner policy")));
        assertFalse(browser.driver.findElement(By.id("app")).isDisplayed());

        // A SAS token of iothubowner logs in as the connection string does, live stream included.
        secret.clear();
        secret.sendKeys(hub.policyToken("iothubowner", Duration.ofMinutes(10)));
        browser.driver.findElement(By.id("login-submit")).click();
        browser.wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "live"));
        assertTrue(browser.driver.findElement(By.id("app")).isDisplayed());
    }

    @Test
    void deviceConnectsTelemetryArrivesLiveAndC2dShowsItsFeedback() throws Exception {
        HubSimulator hub = HUB.simulator();
        By device1State = By.cssSelector("#devices tr[data-device='device1'] td.connection");
        browser.wait.until(ExpectedConditions.textToBe(device1State, "disconnected"));
        AmqpTestClient client = connectDevice1();
        browser.wait.until(ExpectedConditions.textToBe(device1State, "connected"));
        browser.screenshot("devices");

        // Telemetry: the page is not reloaded; the message arrives over the live stream with the hub's annotations.
        tab("telemetry");
        Sender sender = client.sender(client.session(), "telemetry", EVENTS);
        Message m = Proton.message();
        m.setMessageId("console-telemetry-1");
        m.setApplicationProperties(new ApplicationProperties(Map.of("temperature", "21.5")));
        m.setBody(new Data(AmqpTestClient.binary("{\"hello\":\"console\"}")));
        assertTrue(client.send(sender, m) instanceof Accepted);
        WebElement item = waitFor("#telemetry li[data-message-id='console-telemetry-1']");
        assertEquals("{\"hello\":\"console\"}", item.findElement(By.cssSelector(".body")).getText());
        String annotations = item.findElement(By.cssSelector("dl.annotations")).getText();
        assertTrue(annotations.contains("iothub-connection-device-id\ndevice1"), annotations);
        assertTrue(annotations.contains("x-opt-sequence-number"), annotations);
        assertTrue(annotations.contains("iothub-enqueuedtime"), annotations);
        assertTrue(item.findElement(By.cssSelector("dl.properties")).getText().contains("temperature\n21.5"));
        browser.screenshot("telemetry");

        // C2D: sent from the page, received and completed by the device, its Success feedback shown.
        Receiver inbox = client.receiver(client.session(), "c2d", "/devices/device1/messages/devicebound", 1);
        tab("c2d");
        new Select(browser.driver.findElement(By.id("c2d-device"))).selectByValue("device1");
        browser.driver.findElement(By.id("c2d-body")).sendKeys("reboot");
        browser.driver.findElement(By.id("c2d-message-id")).sendKeys("console-c2d-1");
        new Select(browser.driver.findElement(By.id("c2d-ack"))).selectByValue("full");
        browser.driver.findElement(By.id("c2d-send")).click();
        By feedback = By.cssSelector("#c2d-sent tr[data-message-id='console-c2d-1'] td.feedback");
        browser.wait.until(ExpectedConditions.textToBe(feedback, "waiting"));
        AmqpTestClient.Received received = client.receiveUnsettled(inbox);
        assertEquals("console-c2d-1", String.valueOf(received.message().getMessageId()));
        assertEquals("reboot", new String(((Data) received.message().getBody()).getValue().getArray(), StandardCharsets.UTF_8).trim());
        client.settle(received, Accepted.getInstance());
        browser.wait.until(ExpectedConditions.textToBe(feedback, "Success"));
        browser.screenshot("c2d");

        tab("connections");
        WebElement card = waitFor("article.connection[data-connection='" + connectionOf("device1") + "']");
        browser.wait.until(d -> card.findElements(By.cssSelector("table.links tr[data-address='" + EVENTS + "']")).size() == 1);
        assertTrue(card.findElement(By.cssSelector("table.claims")).getText().contains("127.0.0.1/devices/device1"), card.getText());
        // Sessions from the connection's frames: $cbs on the first, telemetry and the C2D receiver on theirs.
        String cardCss = "article.connection[data-connection='" + connectionOf("device1") + "']";
        browser.driver.executeScript("document.querySelector(arguments[0] + ' button[aria-label^=\"Sessions\"]').click()", cardCss);
        browser.wait.until(ExpectedConditions.textMatches(By.cssSelector(cardCss + " p.sessions"),
                java.util.regex.Pattern.compile("Sessions .*0: cbs-sender \\$cbs, cbs-receiver \\$cbs.*telemetry " + EVENTS + ".*c2d /devices/device1/messages/devicebound")));
        browser.screenshot("connections");
        assertNotNull(hub.telemetry("device1"));
    }

    @Test
    void aFaultAppliedInThePageIsEnforcedAndTheTraceShowsTheFramesInOrder() throws Exception {
        AmqpTestClient client = connectDevice1();
        Sender first = client.sender(client.session(), "first", EVENTS);
        assertTrue(client.isAttached(first));

        tab("faults");
        new Select(browser.driver.findElement(By.id("fault-kind"))).selectByValue("refuse-attaches");
        browser.driver.findElement(By.id("fault-device")).sendKeys("device1");
        WebElement condition = browser.driver.findElement(By.id("fault-condition"));
        condition.clear();
        condition.sendKeys("amqp:unauthorized-access");
        browser.driver.findElement(By.id("fault-apply")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("fault-log"), java.util.regex.Pattern.compile("refuse-attaches .*: 1 affected")));
        browser.screenshot("faults");

        // The hub now refuses the next attach of device1 with the condition chosen in the page.
        Sender refused = client.sender(client.session(), "refused", EVENTS);
        ErrorCondition error = client.awaitClosed(refused);
        assertEquals("amqp:unauthorized-access", String.valueOf(error.getCondition()));

        String id = connectionOf("device1");
        tab("trace");
        browser.wait.until(d -> d.findElements(By.cssSelector("#trace-connection option[value='" + id + "']")).size() == 1);
        new Select(browser.driver.findElement(By.id("trace-connection"))).selectByValue(id);
        waitFor("#trace .frame[data-type='DETACH'][data-condition='amqp:unauthorized-access']");
        List<WebElement> frames = browser.driver.findElements(By.cssSelector("#trace .frame"));
        int attach = indexOf(frames, "ATTACH", "IN", EVENTS, 0);
        int flow = indexOf(frames, "FLOW", "OUT", EVENTS, attach + 1);
        assertTrue(frames.get(flow).getText().contains("link-credit="), frames.get(flow).getText());
        int refusedAttach = indexOf(frames, "ATTACH", "IN", EVENTS, flow + 1);
        // The hub's refusal: its attach carries no terminus, so its detach is found by the condition.
        int refusal = indexOf(frames, "DETACH", "OUT", null, refusedAttach + 1);
        assertTrue(frames.get(refusal).getAttribute("class").contains("error"));
        assertTrue(frames.get(refusal).getText().contains("amqp:unauthorized-access"));
        long previous = -1;
        for (WebElement f : frames) {
            long sequence = Long.parseLong(f.getDomAttribute("data-sequence"));
            assertTrue(sequence > previous, "frames drawn out of order");
            previous = sequence;
        }
        browser.screenshot("trace");

        // Frames after the trace was opened arrive live: a transfer and its disposition on the first link.
        int before = frames.size();
        Message m = Proton.message();
        m.setBody(new Data(AmqpTestClient.binary("after")));
        client.send(first, m);
        browser.wait.until(d -> d.findElements(By.cssSelector("#trace .frame[data-type='DISPOSITION']")).size() > 0
                && d.findElements(By.cssSelector("#trace .frame")).size() > before);
        List<WebElement> after = browser.driver.findElements(By.cssSelector("#trace .frame"));
        int transfer = indexOf(after, "TRANSFER", "IN", EVENTS, before);
        assertTrue(transfer >= before);
    }

    @Test
    void devicesAreCreatedDisabledAndDeletedFromThePage() throws Exception {
        HubSimulator hub = HUB.simulator();
        String id = "console-made-" + UUID.randomUUID().toString().substring(0, 8);
        browser.driver.findElement(By.id("new-device-id")).sendKeys(id, Keys.ENTER);
        By row = By.cssSelector("#devices tr[data-device='" + id + "']");
        browser.wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertTrue(hub.hub().registry().device(id).orElseThrow().enabled());

        click("#devices tr[data-device='" + id + "'] button[aria-label^='Copy']");
        browser.wait.until(ExpectedConditions.attributeToBe(By.id("copied"), "value", hub.deviceConnectionString(id)));

        click("#devices tr[data-device='" + id + "'] button[aria-label^='Disable']");
        browser.wait.until(ExpectedConditions.textToBe(By.cssSelector("#devices tr[data-device='" + id + "'] td.status"), "disabled"));
        assertFalse(hub.hub().registry().device(id).orElseThrow().enabled());

        click("#devices tr[data-device='" + id + "'] button[aria-label^='Delete']");
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
        assertTrue(hub.hub().registry().device(id).isEmpty());
    }

    @Test
    void theTwinsDesiredPropertiesAreEditedAndItsChangesShownLive() throws Exception {
        HubSimulator hub = HUB.simulator();
        tab("twin");
        new Select(browser.driver.findElement(By.id("twin-device"))).selectByValue("device1");
        browser.driver.findElement(By.id("twin-load")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("twin-version"), java.util.regex.Pattern.compile("^device1: version \\d+")));
        WebElement desired = browser.driver.findElement(By.id("twin-desired"));
        desired.clear();
        desired.sendKeys("{\"telemetryInterval\": 7}");
        browser.driver.findElement(By.id("twin-update")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("Desired properties updated")));
        JsonNode twin = JSON.readTree(service("GET", "/twins/device1", null).body());
        assertEquals(7, twin.path("properties").path("desired").path("telemetryInterval").asInt(), twin.toString());
        assertTrue(browser.driver.findElement(By.id("twin-json")).getText().contains("\"telemetryInterval\": 7"));
        // A change made elsewhere shows up without a reload.
        assertEquals(200, service("PATCH", "/twins/device1", "{\"properties\":{\"desired\":{\"mode\":\"eco\"}}}").statusCode());
        browser.wait.until(ExpectedConditions.textMatches(By.id("twin-json"), java.util.regex.Pattern.compile("\"mode\": \"eco\"")));
        browser.screenshot("twin");
    }

    @Test
    void aDirectMethodIsInvokedAndItsAnswerShown() throws Exception {
        // A device that answers methods over AMQP, as the SDKs' method links do.
        AmqpTestClient client = connectDevice1();
        String address = "/devices/device1/methods/devicebound";
        Source source = new Source();
        source.setAddress(address);
        Receiver requests = client.receiver(client.session(), "requests", source,
                Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "methods:" + UUID.randomUUID()), null, 10);
        Sender answers = client.sender(client.session(), "answers", address);
        tab("methods");
        new Select(browser.driver.findElement(By.id("method-device"))).selectByValue("device1");
        WebElement name = browser.driver.findElement(By.id("method-name"));
        name.clear();
        name.sendKeys("reboot");
        WebElement payload = browser.driver.findElement(By.id("method-payload"));
        payload.clear();
        payload.sendKeys("{\"delay\":3}");
        browser.driver.findElement(By.id("method-invoke")).click();
        Message request = client.receive(requests);
        assertEquals("reboot", request.getApplicationProperties().getValue().get("IoThub-methodname"));
        assertEquals("{\"delay\":3}", new String(((Data) request.getBody()).getValue().getArray(), StandardCharsets.UTF_8).trim());
        Message answer = Proton.message();
        Properties properties = new Properties();
        properties.setCorrelationId(request.getCorrelationId());
        answer.setProperties(properties);
        answer.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", 201)));
        answer.setBody(new Data(AmqpTestClient.binary("{\"rebooting\":true}")));
        assertTrue(client.send(answers, answer) instanceof Accepted);
        WebElement result = waitFor("#method-results li[data-method='reboot'][data-status='201']");
        assertTrue(result.getText().contains("\"rebooting\": true"), result.getText());
        browser.screenshot("methods");
    }

    @Test
    void aDevicesModulesAreListedWithTheirConnectionStrings() {
        HubSimulator hub = HUB.simulator();
        click("#devices tr[data-device='device1'] button[aria-label^='Modules']");
        WebElement module = waitFor("#modules table[data-device='device1'] tr[data-module='module1']");
        click("#modules tr[data-module='module1'] button");
        browser.wait.until(ExpectedConditions.attributeToBe(By.id("copied"), "value",
                "HostName=" + hub.hub().primaryHostName() + ";DeviceId=device1;ModuleId=module1;SharedAccessKey="
                        + hub.hub().registry().modules().module("device1", "module1").orElseThrow().primaryKey()));
        assertTrue(module.getText().startsWith("module1"));
    }

    private static java.net.http.HttpResponse<String> service(String method, String path, String body) throws Exception {
        HubSimulator hub = HUB.simulator();
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + hub.httpsPort() + path
                        + "?api-version=2021-04-12"))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", hub.policyToken("service", Duration.ofMinutes(5))).header("Content-Type", "application/json");
        return java.net.http.HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build().send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Clicks by selector in the page, so a table redrawn by a live notice in between cannot leave a stale element. */
    private static void click(String css) {
        browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
        browser.driver.executeScript("document.querySelector(arguments[0]).click()", css);
    }

    @Test
    void aC2dMessageIsSentWithTheKeyboardAlone() throws Exception {
        AmqpTestClient client = connectDevice1();
        Receiver inbox = client.receiver(client.session(), "c2d-keys", "/devices/device1/messages/devicebound", 1);
        WebElement focused = browser.driver.switchTo().activeElement();
        assertEquals("tab-devices", focused.getDomAttribute("id"));
        focused.sendKeys(Keys.ARROW_RIGHT);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertEquals("tab-c2d", active());
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        assertEquals("c2d-device", active());
        browser.driver.switchTo().activeElement().sendKeys("device1", Keys.TAB);
        assertEquals("c2d-body", active());
        browser.driver.switchTo().activeElement().sendKeys("typed", Keys.TAB);
        assertEquals("c2d-message-id", active());
        browser.driver.switchTo().activeElement().sendKeys("console-keys-1", Keys.TAB, Keys.TAB, Keys.TAB);
        assertEquals("c2d-send", active());
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        AmqpTestClient.Received received = client.receiveUnsettled(inbox);
        assertEquals("console-keys-1", String.valueOf(received.message().getMessageId()));
        client.settle(received, Accepted.getInstance());
        browser.wait.until(ExpectedConditions.textToBe(By.cssSelector("#c2d-sent tr[data-message-id='console-keys-1'] td.feedback"), "Success"));
    }

    private static String active() {
        return browser.driver.switchTo().activeElement().getDomAttribute("id");
    }

    private static int indexOf(List<WebElement> frames, String type, String direction, String path, int from) {
        for (int i = from; i < frames.size(); i++) {
            WebElement f = frames.get(i);
            if (type.equals(f.getDomAttribute("data-type")) && direction.equals(f.getDomAttribute("data-direction"))
                    && (path == null ? f.getDomAttribute("data-condition") != null : path.equals(f.getDomAttribute("data-path")))) {
                return i;
            }
        }
        throw new AssertionError(type + " " + direction + " " + path + " not found after row " + from);
    }
}
