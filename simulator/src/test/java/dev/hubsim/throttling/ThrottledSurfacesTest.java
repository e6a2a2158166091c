package dev.hubsim.throttling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.MutableClock;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cloud-to-device sends, registry calls over HTTPS and device connections (CBS) on an S1 x 1 hub whose clock stands
 * still: 1.67/s with no burst and a backlog of 1.2 s, so the first is served at once, the next two after 0.6 and 1.2 s,
 * the fourth refused. Also the control API's throttling faults and counters.
 */
class ThrottledSurfacesTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().configure(b -> b.clock(CLOCK)
            .throttling(ThrottleSettings.of(Tier.S1, 1).withBurst(0).withBacklog(1.2, Duration.ofSeconds(10)))).build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    private static Message c2d(String deviceId, int n) {
        Message m = Proton.message();
        m.setMessageId("c" + n);
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        m.setBody(new Data(AmqpTestClient.binary("command " + n)));
        return m;
    }

    @Test
    void cloudToDeviceSendsAreServedAtTheRateThenRefused() throws Exception {
        try (AmqpTestClient service = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub().policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "sender", "/messages/devicebound");
            long start = System.nanoTime();
            List<Delivery> sent = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                sent.add(service.sendAsync(outbox, c2d("device1", i)));
            }
            for (int i = 1; i <= 3; i++) {
                assertInstanceOf(Accepted.class, service.awaitOutcome(sent.get(i - 1)), "C2D " + i);
            }
            assertTrue(System.nanoTime() - start >= 1_200_000_000L, "the third was served 1.2 s after the first");
            Rejected rejected = assertInstanceOf(Rejected.class, service.awaitOutcome(sent.get(3)));
            assertEquals(Symbol.valueOf("com.microsoft:device-container-throttled"), rejected.getError().getCondition());
            assertTrue(rejected.getError().getDescription().startsWith("ThrottleBacklogLimitExceeded (429002): cloud-to-device sends"),
                    rejected.getError().getDescription());
            assertEquals(3, hub().cloudToDevice().depth("device1"), "three queued for the device, the refused one not");
            assertEquals(1, hub().throttling().throttled("device1", Operation.C2D_SEND));
        }
    }

    private static HttpResponse<String> https(String method, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(hub().tls().clientContext()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub().httpsPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", hub().policyToken("iothubowner", Duration.ofMinutes(10)));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registryCallsAreDelayedAtTheRateThenAnswered429WithTheCode() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return https("GET", "/devices/device2?api-version=2021-04-12", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            Thread.onSpinWait();
        }
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get();
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                refused = r;
            }
        }
        assertEquals(3, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(1, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        assertEquals("ThrottleBacklogLimitExceeded", refused.headers().firstValue("iothub-errorcode").orElse(null));
        JsonNode inner = JSON.readTree(JSON.readTree(refused.body()).get("Message").asText());
        assertEquals(429002, inner.get("errorCode").asInt());
        assertEquals(1, hub().throttling().throttled("device2", Operation.REGISTRY));

        hub().reset();
        hub().faults().throttleNext("device2", Operation.REGISTRY, 1);
        HttpResponse<String> injected = https("GET", "/devices/device2?api-version=2021-04-12", null);
        assertEquals(429, injected.statusCode());
        assertEquals(429001, JSON.readTree(JSON.readTree(injected.body()).get("Message").asText()).get("errorCode").asInt());
        assertEquals(200, https("GET", "/devices/device2?api-version=2021-04-12", null).statusCode());

        hub().faults().throttleNext("device2", Operation.REGISTRY, 1);
        HttpResponse<String> modules = https("GET", "/devices/device2/modules?api-version=2021-04-12", null);
        assertEquals(429, modules.statusCode(), "module registry operations are registry operations");
        assertEquals(429001, JSON.readTree(JSON.readTree(modules.body()).get("Message").asText()).get("errorCode").asInt());
        assertEquals(200, https("GET", "/devices/device2/modules?api-version=2021-04-12", null).statusCode());
    }

    @Test
    void aThrottledDirectMethodIs429AndOverTheQuota403002() throws Exception {
        hub().faults().throttleNext("device2", Operation.METHOD, 1);
        String call = "{\"methodName\":\"reboot\",\"payload\":{},\"responseTimeoutInSeconds\":5}";
        HttpResponse<String> throttled = https("POST", "/twins/device2/methods?api-version=2021-04-12", call);
        assertEquals(429, throttled.statusCode(), throttled.body());
        assertEquals(429001, JSON.readTree(throttled.body()).get("errorCode").asInt(), throttled.body());
        assertEquals("ThrottlingException", throttled.headers().firstValue("iothub-errorcode").orElse(null));
        assertEquals(404, https("POST", "/twins/device2/methods?api-version=2021-04-12", call).statusCode(),
                "the next call goes to the hub, which finds device2 offline");
        hub().faults().exhaustDailyQuota();
        HttpResponse<String> overQuota = https("POST", "/twins/device2/methods?api-version=2021-04-12", call);
        assertEquals(403, overQuota.statusCode());
        assertEquals(403002, JSON.readTree(overQuota.body()).get("errorCode").asInt(), overQuota.body());
        assertEquals(2, hub().throttling().throttled("device2", Operation.METHOD));
    }

    @Test
    void aThrottledDeviceConnectionIsACbsReplyOf429AndTheNextGoesThrough() throws Exception {
        hub().faults().throttleNext("device3", Operation.CONNECT, 1);
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            CbsClient.Reply first = cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device3", hub().deviceToken("device3", Duration.ofHours(1)));
            assertEquals(429, first.statusCode());
            assertTrue(String.valueOf(first.statusDescription()).startsWith("ThrottlingException (429001): new device connections"));
            assertEquals(200, cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device3", hub().deviceToken("device3", Duration.ofHours(1))).statusCode());
            assertEquals(1, hub().throttling().throttled("device3", Operation.CONNECT));
        }
    }

    @Test
    void theControlApiInjectsThrottlingAndShowsTheCounters() throws Exception {
        assertEquals(200, https("POST", "/hubsim/faults/throttle", "{\"deviceId\":\"device1\",\"operation\":\"d2c\",\"count\":1}").statusCode());
        assertEquals(400, https("POST", "/hubsim/faults/throttle", "{\"operation\":\"teleport\"}").statusCode());
        try (AmqpTestClient client = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(AmqpTestClient.binary("x")));
            assertInstanceOf(Rejected.class, client.send(sender, m));
            JsonNode view = JSON.readTree(https("GET", "/hubsim/throttling", null).body());
            assertEquals("S1", view.get("tier").asText());
            assertEquals(100.0, view.get("rates").get("d2c").asDouble());
            assertEquals(400_000, view.get("dailyQuota").asLong());
            assertEquals(1, view.get("throttled").get("device1").get("d2c").asInt());
            assertEquals(200, https("POST", "/hubsim/faults/exhaust-quota", null).statusCode());
            Rejected overQuota = assertInstanceOf(Rejected.class, client.send(sender, m));
            assertEquals(Symbol.valueOf("amqp:resource-limit-exceeded"), overQuota.getError().getCondition());
        }
    }
}
