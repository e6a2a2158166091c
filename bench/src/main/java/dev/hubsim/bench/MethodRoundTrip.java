package dev.hubsim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * 7. Direct-method round trip (issues 15, 19), one call at a time: a service's {@code POST /twins/{id}/methods} over
 * HTTPS (the JDK's HttpClient, HTTP/1.1 as the Java service SDK speaks it, one kept-alive connection, the hub's trust, a
 * service SAS token) → the hub → the device's method receiver ({@link MethodDevice}, answering at once) → its answer →
 * the REST response. Baseline: the same HttpClient calling a minimal HTTPS endpoint (the JDK's HttpsServer with the
 * hub's certificate) that relays each call through plain Artemis queues to the same AMQP device, in the broker's JVM
 * (an in-VM core session, as the hub's REST face hands the call to its AMQP face in-process), and answers with
 * {@code {"status","payload"}} (TCP_NODELAY on, as on the hub's front). The endpoint checks no token.
 */
final class MethodRoundTrip {
    static final String DEVICE = "method-device";
    static final String REQUESTS = "bench.methods.requests";
    static final String REPLIES = "bench.methods.replies";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Bench bench;

    MethodRoundTrip(Bench bench) {
        this.bench = bench;
    }

    /** The baseline's HTTPS endpoint and its relay through the broker's queues. */
    private final class Relay implements AutoCloseable {
        final ServerLocator locator = CoreResponder.locator();
        final ClientSessionFactory factory;
        final ClientSession sending;
        final ClientProducer producer;
        final ClientSession receiving;
        final Map<String, CompletableFuture<ClientMessage>> waiting = new ConcurrentHashMap<>();
        final ExecutorService executor = Executors.newFixedThreadPool(2);
        final HttpsServer server;

        Relay() throws Exception {
            factory = locator.createSessionFactory();
            sending = factory.createSession(false, true, true);
            producer = sending.createProducer(REQUESTS);
            receiving = factory.createSession(false, true, true);
            ClientConsumer consumer = receiving.createConsumer(REPLIES);
            consumer.setMessageHandler(reply -> {
                CompletableFuture<ClientMessage> call = waiting.remove(String.valueOf(reply.getCorrelationID()));
                try {
                    reply.acknowledge();
                } catch (Exception e) {
                    Bench.progress("relay: acknowledge failed: %s", e);
                }
                if (call != null) {
                    call.complete(reply);
                }
            });
            receiving.start();
            // The JDK server writes the response head and body separately: without TCP_NODELAY, Nagle and the client's
            // delayed ACK hold the body 40 ms. Read when the first server is made.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(bench.hub.tls().serverContext()));
            server.createContext("/twins/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                JsonNode call = JSON.readTree(exchange.getRequestBody());
                String id = UUID.randomUUID().toString();
                CompletableFuture<ClientMessage> answer = new CompletableFuture<>();
                waiting.put(id, answer);
                synchronized (producer) {
                    ClientMessage request = sending.createMessage(Message.BYTES_TYPE, false);
                    request.setCorrelationID(id);
                    request.putStringProperty(MethodDevice.METHOD_NAME, call.path("methodName").asText());
                    request.getBodyBuffer().writeBytes(JSON.writeValueAsBytes(call.get("payload")));
                    producer.send(request);
                }
                int status = 200;
                ObjectNode result = JSON.createObjectNode();
                try {
                    ClientMessage reply = answer.get(call.path("responseTimeoutInSeconds").asInt(30), TimeUnit.SECONDS);
                    byte[] payload = CoreResponder.body(reply);
                    result.put("status", reply.getIntProperty(MethodDevice.STATUS));
                    result.set("payload", payload.length == 0 ? JSON.nullNode() : JSON.readTree(payload));
                } catch (TimeoutException e) {
                    waiting.remove(id);
                    status = 504;
                    result.put("errorCode", 504101);
                }
                byte[] out = JSON.writeValueAsBytes(result);
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(status, out.length);
                exchange.getResponseBody().write(out);
            } catch (Exception e) {
                Bench.progress("relay: %s", e);
                throw new IOException(e);
            }
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() throws Exception {
            server.stop(0);
            executor.shutdownNow();
            sending.close();
            receiving.close();
            factory.close();
            locator.close();
        }
    }

    /** One call there and back: microseconds from the request to the complete response. */
    private static long call(HttpClient http, URI uri, String authorization, int i) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"ping\",\"payload\":{\"seq\":" + i
                        + ",\"mode\":\"quick\"},\"responseTimeoutInSeconds\":30,\"connectTimeoutInSeconds\":0}")).build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        if (response.statusCode() != 200 || !response.body().contains("\"status\":200")) {
            throw new IllegalStateException("method call to " + uri + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return (t1 - t0) / 1000;
    }

    void run() throws Exception {
        int rounds = 5;
        int perRound = bench.quick ? 200 : 2000;
        String authorization = bench.hub.policyToken("service", Duration.ofHours(4));
        HttpClient http = HttpClient.newBuilder().sslContext(bench.tls).version(HttpClient.Version.HTTP_1_1).build();
        Latencies latencies = new Latencies("methods", "method round trip", "HTTPS, AMQP TLS");
        try (MethodDevice hubDevice = MethodDevice.onHub(bench, DEVICE); MethodDevice bareDevice = MethodDevice.onQueues(bench, REQUESTS, REPLIES);
             Relay relay = new Relay()) {
            String path = "/twins/" + DEVICE + "/methods?api-version=2021-04-12";
            URI hub = URI.create("https://127.0.0.1:" + bench.hub.httpsPort() + path);
            URI bare = URI.create("https://127.0.0.1:" + relay.port() + path);
            int n = 0;
            for (int i = 0; i < perRound / 2; i++) { // warm-up; the hub's HTTPS face starts on its first request
                call(http, hub, authorization, n++);
                call(http, bare, authorization, n++);
            }
            for (int r = 0; r < rounds; r++) {
                boolean hubFirst = r % 2 == 0;
                List<Long> a = new ArrayList<>();
                List<Long> b = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    a.add(call(http, hubFirst ? hub : bare, authorization, n++));
                }
                for (int i = 0; i < perRound; i++) {
                    b.add(call(http, hubFirst ? bare : hub, authorization, n++));
                }
                latencies.round(hubFirst ? a : b, hubFirst ? b : a, r + 1, rounds);
            }
            if (hubDevice.answered() < (long) perRound * rounds) {
                throw new IllegalStateException("the hub's device answered " + hubDevice.answered() + " requests");
            }
        }
        latencies.report(bench.report, 10, perRound + " calls per side and round, one at a time, after " + perRound / 2
                + "; baseline: HttpsServer relaying through request and reply queues (in-VM core session) to the same AMQP device");
    }
}
