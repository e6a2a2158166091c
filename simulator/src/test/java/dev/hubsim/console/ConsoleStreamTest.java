package dev.hubsim.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's page and live stream without a browser: what loads without a token, and what the stream asks of one. */
class ConsoleStreamTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "/devices/device2/messages/events";

    private static HttpClient client() {
        return client(HUB.simulator());
    }

    private static HttpClient client(HubSimulator hub) {
        return HttpClient.newBuilder().sslContext(hub.tls().clientContext()).build();
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + HUB.simulator().httpsPort() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stream whose text messages and close code land in queues. */
    private static final class Stream implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Stream open() throws Exception {
            return open(HUB.simulator());
        }

        static Stream open(HubSimulator hub) throws Exception {
            Stream s = new Stream();
            s.socket = client(hub).newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + hub.httpsPort() + ConsoleStream.PATH), s).get(10, TimeUnit.SECONDS);
            return s;
        }

        void send(String json) {
            socket.sendText(json, true).join();
        }

        JsonNode next(String type) throws Exception {
            while (true) {
                JsonNode m = messages.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "no '" + type + "' message within 10 s");
                if (m.path("type").asText().equals(type)) {
                    return m;
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void thePageLoadsWithoutATokenAndTheApisKeepTheirGuard() throws Exception {
        HttpResponse<String> page = get("/hubsim/ui/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>hubsim console</title>"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertEquals(200, get("/hubsim/ui/console.js", null).statusCode());
        assertEquals("text/css; charset=utf-8", get("/hubsim/ui/console.css", null).headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> bare = get("/hubsim/ui", null);
        assertEquals(302, bare.statusCode());
        assertEquals("/hubsim/ui/", bare.headers().firstValue("Location").orElseThrow());
        assertEquals(404, get("/hubsim/ui/hubsim-logback.xml", null).statusCode());
        assertEquals(401, get("/hubsim/connections", null).statusCode());
        assertEquals(401, get("/devices?api-version=2021-04-12", null).statusCode());
    }

    @Test
    void theStreamWantsTheOwnersTokenFirstAndSendsNothingBefore() throws Exception {
        HubSimulator hub = HUB.simulator();
        Stream refused = Stream.open();
        refused.send("{\"authorization\":\"" + hub.policyToken("service", Duration.ofMinutes(5)) + "\"}");
        assertTrue(refused.next("refused").get("reason").asText().contains("needs the iothubowner policy"));
        assertEquals(ConsoleStream.REFUSED, refused.closed.get(10, TimeUnit.SECONDS));

        Stream early = Stream.open();
        Stream owner = Stream.open();
        owner.send("{\"authorization\":\"" + hub.policyToken("iothubowner", Duration.ofMinutes(5)) + "\"}");
        assertTrue(owner.next("ready").has("expiresAt"));
        try (AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device2", hub.deviceToken("device2", Duration.ofHours(1)));
            Sender sender = device.sender(device.session(), "events", EVENTS);
            device.send(sender, telemetry("before-login"));
            JsonNode first = owner.next("telemetry");
            assertEquals("before-login", first.get("messageId").asText());
            assertEquals("device2", first.get("annotations").get("iothub-connection-device-id").asText());
            assertTrue(first.get("annotations").has("x-opt-sequence-number"));

            // The stream that has not logged in got nothing; once it does, it gets what comes after, and the trace of
            // the connection it watches, in order.
            early.send("{\"authorization\":\"" + hub.policyToken("iothubowner", Duration.ofMinutes(5)) + "\"}");
            early.next("ready");
            String connection = hub.connections().stream().filter(c -> c.identities().contains("device2")).findFirst().orElseThrow().id();
            early.send("{\"watch\":\"" + connection + "\"}");
            owner.send("{\"watch\":\"" + connection + "\"}");
            assertEquals(connection, owner.next("watching").get("connection").asText());
            device.send(sender, telemetry("after-login"));
            List<JsonNode> seen = new ArrayList<>();
            JsonNode m;
            do {
                m = early.messages.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "the second telemetry message did not arrive; seen " + seen);
                seen.add(m);
            } while (!(m.path("type").asText().equals("telemetry")));
            assertEquals("after-login", m.get("messageId").asText(), seen.toString());
            JsonNode transfer = owner.next("trace");
            assertEquals(connection, transfer.get("record").get("connectionId").asText());
            long previous = transfer.get("record").get("sequence").asLong();
            boolean sawTransfer = transfer.get("record").get("type").asText().equals("TRANSFER");
            while (!sawTransfer) {
                JsonNode r = owner.next("trace").get("record");
                assertTrue(r.get("sequence").asLong() > previous, "trace records out of order");
                previous = r.get("sequence").asLong();
                sawTransfer = r.get("type").asText().equals("TRANSFER") && EVENTS.equals(r.path("path").asText());
            }
        }
    }

    @Test
    void theTracePickerListsLiveAndClosedConnections() throws Exception {
        HubSimulator hub = HUB.simulator();
        String owner = hub.policyToken("iothubowner", Duration.ofMinutes(5));
        String closedId;
        try (AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device3", hub.deviceToken("device3", Duration.ofHours(1)));
            closedId = hub.connections().stream().filter(c -> c.identities().contains("device3")).findFirst().orElseThrow().id();
            JsonNode live = find(JSON.readTree(get("/hubsim/traces", owner).body()), closedId);
            assertTrue(live.get("open").asBoolean());
            device.closeGracefully();
        }
        AmqpTestClient.awaitCondition("the trace of " + closedId + " to be closed", Duration.ofSeconds(10),
                () -> hub.traces().connection(closedId).map(t -> !t.isOpen()).orElse(false));
        JsonNode closed = find(JSON.readTree(get("/hubsim/traces", owner).body()), closedId);
        assertEquals(false, closed.get("open").asBoolean());
        assertEquals("device3", closed.get("identities").get(0).asText());
        assertEquals(401, get("/hubsim/traces", null).statusCode());
    }

    private static JsonNode find(JsonNode traces, String id) {
        for (JsonNode t : traces) {
            if (t.get("connectionId").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no trace " + id + " in " + traces);
    }

    @Test
    void theStreamClosesWhenItsTokenExpiresOnTheHubsClock(@TempDir Path dir) throws Exception {
        try (HubSimulator strict = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).clockSkew(Duration.ZERO).start()) {
            Stream stream = Stream.open(strict);
            long t0 = System.nanoTime();
            stream.send("{\"authorization\":\"" + strict.policyToken("iothubowner", Duration.ofSeconds(2)) + "\"}");
            stream.next("ready");
            assertEquals(ConsoleStream.EXPIRED, stream.closed.get(10, TimeUnit.SECONDS));
            // se is whole seconds: the token lasts between 1 and 2 s.
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(900), "closed before the token expired");
        }
    }

    private static Message telemetry(String id) {
        Message m = Proton.message();
        m.setMessageId(id);
        m.setBody(new Data(AmqpTestClient.binary("x")));
        return m;
    }
}
