package dev.hubsim.bench;

import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * 6. Twin round trips over TLS (issues 15, 19), one request at a time. The device opens its twin channel as the Java
 * device SDK does (reference/iothub-twin-methods-mqtt.md §1.1-§1.3): a sender and a receiver on
 * {@code /devices/{id}/twin} with one {@code com.microsoft:channel-correlation-id}, the sender unsettled, the implicit
 * PUT of the desired-property subscription first; then GETs of the twin (a zero-length Data body) and PATCHes of
 * reported properties (a JSON Data body), each a {@code uuid} correlation-id and a string message-id, timed from the
 * send to the response that echoes the correlation-id. Baseline: the same client, links and messages on stock Artemis,
 * the requests to an anycast queue, answered by a responder inside the broker's JVM ({@link CoreResponder}) to a reply
 * queue the client's receiver reads: GET with the hub's twin document, PATCH with status 204 and a version.
 */
final class TwinRoundTrip {
    static final String DEVICE = "twin-device";
    static final String REQUESTS = "bench.twin.requests";
    static final String REPLIES = "bench.twin.replies";
    private static final Symbol CHANNEL = Symbol.valueOf("com.microsoft:channel-correlation-id");
    private static final Symbol API_VERSION = Symbol.valueOf("com.microsoft:api-version");
    private static final Symbol OPERATION = Symbol.valueOf("operation");
    private static final Symbol RESOURCE = Symbol.valueOf("resource");
    private static final Symbol STATUS = Symbol.valueOf("status");
    private static final String NOTIFICATIONS = "/notifications/twin/properties/desired";
    private static final String REPORTED = "/properties/reported";

    private final Bench bench;
    /** The hub's answer to GET, which the baseline's responder answers with too. */
    private volatile byte[] twinDocument = new byte[0];

    TwinRoundTrip(Bench bench) {
        this.bench = bench;
    }

    private record Reply(long nanos, Message message) {
    }

    /** One side's device with its twin links. */
    private final class Side implements AutoCloseable {
        final boolean hub;
        final AmqpClient client;
        final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        CoreResponder responder;
        Sender requests;

        Side(boolean hub) throws Exception {
            this.hub = hub;
            client = AmqpClient.connect(bench.group, hub ? bench.hub.amqpsPort() : bench.bare.port(BareArtemis.TLS), bench.tls, "ANONYMOUS", null, null, 0);
            client.opened.get(10, TimeUnit.SECONDS);
            String address = "/devices/" + DEVICE + "/twin";
            if (hub) {
                client.putDeviceToken(bench.hub, DEVICE);
            } else {
                responder = new CoreResponder(REQUESTS, REPLIES, TwinRoundTrip.this::answer);
            }
            String id = DEVICE + "-" + UUID.randomUUID();
            Map<Symbol, Object> properties = Map.of(CHANNEL, "twin:" + UUID.randomUUID(), API_VERSION, "2020-09-30");
            CompletableFuture<Link> senderAttached = new CompletableFuture<>();
            CompletableFuture<Link> receiverAttached = new CompletableFuture<>();
            client.run(() -> {
                Session session = client.session();
                Links.receiver(session, "receiver_link_devicetwin-" + id, Links.source(hub ? address : REPLIES), properties, 100,
                        Links.attachWatcher(receiverAttached, d -> {
                            Message m = Links.read(d);
                            if (m != null) {
                                long now = System.nanoTime();
                                Links.accept(d);
                                ((Receiver) d.getLink()).flow(1);
                                replies.add(new Reply(now, m));
                            }
                        }));
                requests = Links.sender(session, "sender_link_devicetwin-" + id, hub ? address : REQUESTS, properties,
                        Links.attachWatcher(senderAttached, Delivery::settle));
            });
            senderAttached.get(10, TimeUnit.SECONDS);
            receiverAttached.get(10, TimeUnit.SECONDS);
            trip("PUT", NOTIFICATIONS, null, 200); // Java's implicit subscription, before any GET or PATCH
        }

        /** One request there and back: microseconds from the send to the response. */
        long trip(String operation, String resource, byte[] body, int expectedStatus) throws Exception {
            UUID correlationId = UUID.randomUUID();
            Message m = Proton.message();
            m.setMessageId(UUID.randomUUID().toString());
            m.setCorrelationId(correlationId);
            Map<Symbol, Object> annotations = new HashMap<>();
            annotations.put(OPERATION, operation);
            if (resource != null) {
                annotations.put(RESOURCE, resource);
            }
            m.setMessageAnnotations(new MessageAnnotations(annotations));
            if (body != null) {
                m.setBody(new Data(new Binary(body)));
            }
            byte[] encoded = AmqpClient.encode(m);
            long t0 = System.nanoTime();
            client.run(() -> client.send(requests, encoded));
            Reply reply = replies.poll(10, TimeUnit.SECONDS);
            String side = hub ? "hub" : "Artemis";
            if (reply == null) {
                throw new IllegalStateException("no answer to twin " + operation + " within 10 s (" + side + ")");
            }
            Object echoed = reply.message().getCorrelationId();
            if (echoed == null || !echoed.toString().contains(correlationId.toString())) {
                throw new IllegalStateException("twin " + operation + " (" + side + "): answer for " + echoed + ", not " + correlationId);
            }
            Object status = status(reply.message());
            if (!(status instanceof Number n) || n.intValue() != expectedStatus) {
                throw new IllegalStateException("twin " + operation + " (" + side + "): status " + status + ", expected " + expectedStatus);
            }
            if (hub && "GET".equals(operation)) {
                Binary document = ((Data) reply.message().getBody()).getValue();
                twinDocument = java.util.Arrays.copyOfRange(document.getArray(), document.getArrayOffset(), document.getArrayOffset() + document.getLength());
            }
            return (reply.nanos() - t0) / 1000;
        }

        @Override
        public void close() throws Exception {
            client.close();
            if (responder != null) {
                responder.close();
            }
        }
    }

    private static Object status(Message m) {
        MessageAnnotations a = m.getMessageAnnotations();
        return a == null || a.getValue() == null ? null : a.getValue().get(STATUS);
    }

    /** The baseline's answers: the shape of the hub's (status and version as message annotations, the twin as Data). */
    private void answer(ClientMessage request, ClientMessage reply) {
        String operation = request.getStringProperty("JMS_AMQP_MA_operation");
        if ("GET".equals(operation)) {
            reply.putIntProperty("JMS_AMQP_MA_status", 200);
            reply.getBodyBuffer().writeBytes(twinDocument);
        } else if ("PATCH".equals(operation)) {
            CoreResponder.body(request);
            reply.putIntProperty("JMS_AMQP_MA_status", 204);
            reply.putLongProperty("JMS_AMQP_MA_version", 1L);
        } else {
            reply.putIntProperty("JMS_AMQP_MA_status", "PUT".equals(operation) ? 200 : 400);
        }
    }

    private static byte[] patch(int i) {
        return ("{\"firmware\":\"1.2.3\",\"telemetryInterval\":30,\"battery\":{\"level\":" + (i % 100) + ",\"charging\":false},\"counter\":" + i + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    void run() throws Exception {
        int rounds = 5;
        int perRound = bench.quick ? 200 : 2000;
        // A twin of a realistic size: a few desired properties (the GET returns them with their metadata).
        bench.hub.twins().patchDesired(DEVICE, "{\"telemetryInterval\":30,\"fan\":{\"speed\":3,\"mode\":\"auto\"},\"firmware\":{\"version\":\"1.2.3\","
                + "\"url\":\"https://example.com/fw/1.2.3.bin\"},\"thresholds\":{\"temperature\":{\"high\":35.5,\"low\":5},\"humidity\":80}}");
        Latencies get = new Latencies("twin", "GET round trip", "TLS");
        Latencies patch = new Latencies("twin", "PATCH reported round trip", "TLS");
        try (Side hub = new Side(true)) {
            hub.trip("GET", null, new byte[0], 200); // the document the baseline answers with
            try (Side bare = new Side(false)) {
                int n = 0;
                for (int i = 0; i < perRound / 2; i++) { // warm-up
                    hub.trip("GET", null, new byte[0], 200);
                    bare.trip("GET", null, new byte[0], 200);
                    hub.trip("PATCH", REPORTED, patch(n), 204);
                    bare.trip("PATCH", REPORTED, patch(n++), 204);
                }
                Bench.progress("twin: the hub's GET answer is %d bytes", twinDocument.length);
                for (int r = 0; r < rounds; r++) {
                    Side first = r % 2 == 0 ? hub : bare;
                    Side second = r % 2 == 0 ? bare : hub;
                    List<List<Long>> a = side(first, perRound, n);
                    List<List<Long>> b = side(second, perRound, n);
                    n += perRound;
                    get.round(first == hub ? a.get(0) : b.get(0), first == hub ? b.get(0) : a.get(0), r + 1, rounds);
                    patch.round(first == hub ? a.get(1) : b.get(1), first == hub ? b.get(1) : a.get(1), r + 1, rounds);
                }
            }
        }
        String how = perRound + " GETs then " + perRound + " PATCHes per side and round, one at a time, after " + perRound / 2
                + " of each; baseline: request queue, responder in the broker's JVM (in-VM core session), reply queue";
        get.report(bench.report, 5, how);
        patch.report(bench.report, 5, how);
    }

    /** A side's GETs, then its PATCHes: two lists of microseconds. */
    private static List<List<Long>> side(Side side, int count, int firstPatch) throws Exception {
        List<Long> gets = new ArrayList<>();
        List<Long> patches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            gets.add(side.trip("GET", null, new byte[0], 200));
        }
        for (int i = 0; i < count; i++) {
            patches.add(side.trip("PATCH", REPORTED, patch(firstPatch + i), 204));
        }
        return List.of(gets, patches);
    }
}
