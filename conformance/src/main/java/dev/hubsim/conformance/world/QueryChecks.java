package dev.hubsim.conformance.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.SasTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Twin queries (reference/iothub-twin-methods-mqtt.md §5.5): the service's {@code POST /devices/query} over HTTPS, page
 * by page. Decided from the HTTP answers, as sets: IoT Hub promises no order.
 */
public final class QueryChecks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HubWorld w;
    private String query;
    private int pageSize;
    private HttpResponse<String> page;
    private final List<String> seen = new ArrayList<>();

    QueryChecks(HubWorld world) {
        this.w = world;
    }

    /** The service asks for the first page of the twins of these two devices (by device ID, OR). */
    public void queryTwinsOf(String first, String second, int pageSize) throws Exception {
        this.query = "SELECT * FROM devices WHERE deviceId = '" + w.device(first).deviceId() + "' OR deviceId = '" + w.device(second).deviceId() + "'";
        this.pageSize = pageSize;
        seen.clear();
        page = post(null);
    }

    /** The service sends the last page's continuation token back for the next page. */
    public void nextPage() throws Exception {
        page = post(page.headers().firstValue("x-ms-continuation").orElse(null));
    }

    /** The page is 200 with a JSON array of {@code twins} twins, and carries a continuation token or not. */
    public void expectPage(int twins, boolean continuation) throws Exception {
        w.verdicts.expectEqual("HTTP status of POST /devices/query", 200, page.statusCode());
        JsonNode body = page.statusCode() == 200 ? JSON.readTree(page.body()) : null;
        w.verdicts.expect(body != null && body.isArray(), "the answer's body", "a JSON array", page.body());
        w.verdicts.expectEqual("twins on the page (x-ms-max-item-count " + pageSize + ")", twins, body.size());
        body.forEach(t -> seen.add(t.path("deviceId").asText("(no deviceId)")));
        String token = page.headers().firstValue("x-ms-continuation").orElse(null);
        w.verdicts.expect(continuation == (token != null && !token.isEmpty()), "the page's x-ms-continuation header",
                continuation ? "a token" : "absent", token == null ? "absent" : "'" + token + "'");
    }

    /** The pages together held each of these devices' twins exactly once. */
    public void expectAllPagesHeld(String first, String second) {
        Set<String> expected = new TreeSet<>(List.of(w.device(first).deviceId(), w.device(second).deviceId()));
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        w.verdicts.expectEqual("the deviceIds over all pages", new ArrayList<>(expected), sorted);
    }

    private HttpResponse<String> post(String continuation) throws Exception {
        URI uri = URI.create("https://" + w.target().service().hostName() + ":" + w.target().httpsPort() + "/devices/query?api-version=2021-04-12");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(ProbeConnection.TIMEOUT.toSeconds()))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(java.util.Map.of("query", query))))
                .header("Content-Type", "application/json; charset=utf-8").header("x-ms-max-item-count", Integer.toString(pageSize))
                .header("Authorization", SasTokens.policyToken(w.target().service(), w.now().plus(HubWorld.TOKEN_LIFETIME)));
        if (continuation != null) {
            b.header("x-ms-continuation", continuation);
        }
        return HttpClient.newBuilder().sslContext(w.target().trust()).build().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
