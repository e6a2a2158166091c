package dev.hubsim.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html draws each failure's frames as the console's sequence diagram, in order, the refusal in red. */
class HtmlReportTest {
    private static final String STATEMENTS = """
            {"statements": {"CLI-LNK-001": {"verdict": "FAIL", "strength": "MUST", "statement": "a client re-attaches after a refusal",
              "checkedBy": "links.feature", "failures": [{"scenario": "refused attach", "feature": "links.feature", "line": 7,
              "message": "expected a new attach", "evidence": {"events": [], "frames": [
                {"sequence": 1, "time": "2026-12-02T10:00:00.000Z", "micros": 1, "connection": "c1", "direction": "IN", "type": "ATTACH",
                 "channel": 0, "path": "/devices/d1/messages/events", "fields": {"name": "events", "role": "sender"}},
                {"sequence": 2, "time": "2026-12-02T10:00:00.001Z", "micros": 2, "connection": "c1", "direction": "OUT", "type": "DETACH",
                 "channel": 0, "path": "/devices/d1/messages/events", "fields": {"closed": true, "condition": "amqp:unauthorized-access"}}]}}]}}}
            """;

    @Test
    void eachFailureGetsItsSequenceDiagram(@TempDir Path dir) throws Exception {
        JsonNode statements = new ObjectMapper().readTree(STATEMENTS);
        Path report = HtmlReport.write(dir, "client kit", Map.of("adapter", "test"), statements);
        String html = Files.readString(report);
        assertTrue(html.contains("window.HubsimSequence"), "the renderer is inlined");
        assertTrue(html.contains("data-sequence-of=\"0\""), "a diagram for the failure");

        Path chromium = Path.of("/usr/bin/chromium");
        Path driverPath = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driverPath)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("Chromium and chromedriver are not installed (.ci/run installs them)");
            }
            org.junit.jupiter.api.Assumptions.abort("Chromium and chromedriver are not installed: the page itself is not drawn");
        }
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("profile").toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driverPath.toFile()).usingAnyFreePort().build(), options);
        try {
            driver.get(report.toUri().toString());
            List<WebElement> frames = driver.findElements(By.cssSelector(".sequence .frame"));
            assertEquals(2, frames.size(), driver.getPageSource());
            assertEquals("ATTACH", frames.get(0).getDomAttribute("data-type"));
            assertTrue(frames.get(0).getDomAttribute("class").contains("in"));
            assertEquals("DETACH", frames.get(1).getDomAttribute("data-type"));
            assertTrue(frames.get(1).getDomAttribute("class").contains("error"));
            assertTrue(frames.get(1).getText().contains("amqp:unauthorized-access"), frames.get(1).getText());
        } finally {
            driver.quit();
        }
    }
}
