package dev.hubsim.conformance.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.conformance.client.AdapterChannel.Received;
import dev.hubsim.conformance.client.AdapterChannel.Reply;
import dev.hubsim.conformance.client.HubSide.WireFrame;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One client-kit scenario: drives the adapter through the protocol and judges what it reports against what the hub saw
 * on the wire. Every failed check names the scenario's statement, what was expected and what was observed. The kit
 * shares no code with any client: expected strings come from the features.
 */
public final class ClientWorld {
    /** How long the kit waits for what a statement says must happen ({@code -Dhubsim.clientkit.timeoutSeconds}). */
    public static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("hubsim.clientkit.timeoutSeconds", 10));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdapterChannel adapter;
    private final HubSide hub;
    private final String statement;
    private final long mark;
    private final long eventStart;
    private final Map<String, String> paths = new HashMap<>();
    private final Map<String, Integer> telemetryBaseline = new HashMap<>();
    private final List<String> sendErrors = new ArrayList<>();
    private long releaseIndex = -1;
    private int names;
    private String lastDelivery;
    private int tokenSeconds;
    private int burstTaken;
    private String burstError;
    private long burstMillis;

    public ClientWorld(AdapterChannel adapter, HubSide hub, String statement) {
        this.adapter = adapter;
        this.hub = hub;
        this.statement = statement;
        for (String device : List.of("device1", "device2", "device3")) {
            telemetryBaseline.put(device, hub.telemetry(device).size());
        }
        this.mark = hub.mark();
        // OPEN events carry what the hub had sent when they arrived: the proof that OPEN followed the broker's answer.
        adapter.onArrival(r -> {
            if (r.event.path("name").asText().endsWith("_OPEN")) {
                r.hubSnapshot = hub.framesSince(mark).stream().filter(f -> "OUT".equals(f.direction())).toList();
            }
        });
        this.eventStart = adapter.eventCount();
        call("configure", Map.of("caPem", hub.caPem()));
    }

    // ------------------------------------------------------------------ verdicts

    private AssertionError failure(String what, Object expected, Object observed) {
        return new AssertionError("[" + statement + "] " + what + ": expected " + expected + ", observed " + observed);
    }

    private void expect(boolean holds, String what, Object expected, Object observed) {
        if (!holds) {
            throw failure(what, expected, observed);
        }
    }

    private Reply call(String op, Map<String, Object> fields) {
        Reply r = adapter.call(op, fields);
        expect(r.ok(), op + " " + fields.getOrDefault("object", ""), "no error", "error '" + r.error() + "'");
        return r;
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ opening

    public String deviceUrl(String deviceId) {
        // URI user info: percent-encoding with %20 for spaces (URLEncoder's '+' is form encoding, not URI encoding).
        String user = URLEncoder.encode(deviceId + "@sas." + hub.hubName(), StandardCharsets.UTF_8).replace("+", "%20");
        String password = URLEncoder.encode(hub.deviceToken(deviceId), StandardCharsets.UTF_8).replace("+", "%20");
        return hub.amqpsUrl().replace("amqps://", "amqps://" + user + ":" + password + "@");
    }

    public Reply openConnection(String name, String deviceId) {
        return adapter.call("openconnection", fields("object", name, "url", deviceId == null ? hub.amqpsUrl() : deviceUrl(deviceId)));
    }

    public void openConnectionOk(String name, String deviceId) {
        Reply r = openConnection(name, deviceId);
        expect(r.ok(), "openconnection " + name, "no error", "error '" + r.error() + "'");
    }

    public void openConnectionToNowhere(String name) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        call("openconnection", fields("object", name, "url", "amqps://127.0.0.1:" + port));
    }

    public Reply openSession(String name, String connection) {
        return adapter.call("opensession", fields("object", name, "connection", connection));
    }

    public void openSessionOk(String name, String connection) {
        Reply r = openSession(name, connection);
        expect(r.ok(), "opensession " + name, "no error", "error '" + r.error() + "'");
    }

    public Reply openSender(String name, String path, String session) {
        paths.put(name, path);
        return adapter.call("opensender", fields("object", name, "session", session, "path", path));
    }

    public void openSenderOk(String name, String path, String session) {
        Reply r = openSender(name, path, session);
        expect(r.ok(), "opensender " + name, "no error", "error '" + r.error() + "'");
    }

    public Reply openReceiver(String name, String path, String session) {
        paths.put(name, path);
        return adapter.call("openreceiver", fields("object", name, "session", session, "path", path));
    }

    public void openReceiverOk(String name, String path, String session) {
        Reply r = openReceiver(name, path, session);
        expect(r.ok(), "openreceiver " + name, "no error", "error '" + r.error() + "'");
    }

    /** Opens connection, session and link without waiting, then waits for the three OPEN events and the hub's attach. */
    public void openLinkChain(String connection, String deviceId, String session, String link, String path, boolean receiver) {
        openConnectionOk(connection, deviceId);
        openSessionOk(session, connection);
        if (receiver) {
            openReceiverOk(link, path, session);
        } else {
            openSenderOk(link, path, session);
        }
        awaitEvent(connection, "CONNECTION_OPEN");
        awaitEvent(session, "SESSION_OPEN");
        awaitEvent(link, receiver ? "RECEIVER_OPEN" : "SENDER_OPEN");
        connectionOf(path);
    }

    public void openSessionChain(String connection, String deviceId, String session) {
        openConnectionOk(connection, deviceId);
        openSessionOk(session, connection);
        awaitEvent(connection, "CONNECTION_OPEN");
        awaitEvent(session, "SESSION_OPEN");
    }

    public String autoName(String prefix) {
        return prefix + "-" + ++names;
    }

    public void expectFails(Reply r, String op, String expectedError) {
        expect(!r.ok() && expectedError.equals(r.error()), op + " past the limit", "synchronous error '" + expectedError + "'",
                r.ok() ? "no error" : "error '" + r.error() + "'");
    }

    // ------------------------------------------------------------------ events and state

    private static Predicate<Received> callback(String object, String name) {
        return r -> "callback".equals(r.type()) && object.equals(r.event.path("object").asText()) && name.equals(r.event.path("name").asText());
    }

    public Received awaitEvent(String object, String name) {
        Received r = adapter.await(eventStart, callback(object, name), TIMEOUT);
        expect(r != null, "event of " + object, name + " within " + TIMEOUT, "events " + callbacks());
        return r;
    }

    private List<String> callbacks() {
        return adapter.events(eventStart).stream().filter(r -> "callback".equals(r.type()))
                .map(r -> r.event.path("object").asText() + ":" + r.event.path("name").asText()
                        + (r.event.path("errorDetail").isNull() ? "" : "(" + r.event.path("errorDetail").asText() + ")")).toList();
    }

    public boolean isOpen(String object) {
        return call("isopen", fields("object", object)).result().path("open").asBoolean();
    }

    public void expectOpen(String object, boolean open, String when) {
        boolean observed = isOpen(object);
        expect(observed == open, "isopen() of " + object + " " + when, open, observed);
    }

    public void expectOpenEventsHaveNullDetail() {
        List<String> bad = adapter.events(eventStart).stream().filter(r -> r.event.path("name").asText().endsWith("_OPEN"))
                .filter(r -> !r.event.path("errorDetail").isNull()).map(Received::toString).toList();
        expect(bad.isEmpty(), "errorDetail of OPEN events", "null", bad);
    }

    public void expectErrorWithDetail(String object, String name) {
        Received r = awaitEvent(object, name);
        JsonNode detail = r.event.path("errorDetail");
        expect(detail.isTextual() && !detail.asText().isEmpty(), "errorDetail of " + name, "a non-empty string", detail);
    }

    /** Each OPEN event arrived when the hub had already sent the answer it confirms. */
    @SuppressWarnings("unchecked")
    public void expectOpensAfterAnswers() {
        for (Received r : adapter.events(eventStart)) {
            String name = r.event.path("name").asText();
            if (!name.endsWith("_OPEN")) {
                continue;
            }
            List<WireFrame> sent = (List<WireFrame>) r.hubSnapshot;
            String frame = name.startsWith("CONNECTION") ? "OPEN" : name.startsWith("SESSION") ? "BEGIN" : "ATTACH";
            String path = paths.get(r.event.path("object").asText());
            boolean answered = sent != null && sent.stream().anyMatch(f -> f.type().equals(frame)
                    && (!frame.equals("ATTACH") || path == null || path.equals(f.path())));
            expect(answered, name + " of " + r.event.path("object").asText(), "after the hub sent its " + frame,
                    "the hub had sent " + (sent == null ? "nothing" : sent.stream().map(WireFrame::type).toList()));
        }
    }

    public void expectOpenOrder(List<String> expected) {
        List<String> observed = adapter.events(eventStart).stream().map(r -> r.event.path("name").asText())
                .filter(n -> n.endsWith("_OPEN")).toList();
        expect(observed.equals(expected), "order of OPEN events", expected, observed);
    }

    /** The scenario's one refused link: the hub's detach carries the description (its path may be null: null terminus). */
    public void expectErrorWithHubDescription(String object, String event) {
        Received r = awaitEvent(object, event);
        WireFrame detach = awaitFrame(f -> "OUT".equals(f.direction()) && "DETACH".equals(f.type())
                && f.fields().get("description") != null, "the hub's refusing detach");
        Object description = detach.fields().get("description");
        expect(description.equals(r.event.path("errorDetail").asText(null)), "errorDetail of " + r.event.path("name").asText(),
                "'" + description + "' (the hub's description)", r.event.path("errorDetail"));
    }

    public void release(String object) {
        call("release", fields("object", object));
        releaseIndex = adapter.eventCount();
    }

    public void expectDetachBeforeEnd(String path) {
        WireFrame end = awaitFrame(f -> "IN".equals(f.direction()) && "END".equals(f.type()), "the client's End");
        List<WireFrame> detaches = hub.framesSince(mark).stream().filter(f -> "IN".equals(f.direction()) && "DETACH".equals(f.type())
                && path.equals(f.path()) && f.sequence() < end.sequence()).toList();
        expect(!detaches.isEmpty(), "the client's Detach of " + path, "before its End (" + end.sequence() + ")",
                frames(f -> "IN".equals(f.direction())));
    }

    public void expectNoEventsAfterRelease(List<String> objects) {
        awaitFrame(f -> "OUT".equals(f.direction()) && "END".equals(f.type()), "the hub's End");
        List<String> after = adapter.events(releaseIndex).stream().filter(r -> objects.contains(r.event.path("object").asText()))
                .map(Received::toString).toList();
        expect(after.isEmpty(), "events after release", "none", after);
    }

    // ------------------------------------------------------------------ the hub's view

    private List<String> frames(Predicate<WireFrame> which) {
        return hub.framesSince(mark).stream().filter(which).map(WireFrame::text).toList();
    }

    private WireFrame awaitFrame(Predicate<WireFrame> match, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (WireFrame f : hub.framesSince(mark)) {
                if (match.test(f)) {
                    return f;
                }
            }
            expect(System.nanoTime() < deadline, "the hub's trace", what + " within " + TIMEOUT, frames(f -> true));
            pause(20);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The connection on which the hub attached {@code path} (waits for the hub's answering Attach). */
    public String connectionOf(String path) {
        return awaitFrame(f -> "OUT".equals(f.direction()) && "ATTACH".equals(f.type()) && path.equals(f.path()),
                "its Attach answer for " + path).connectionId();
    }

    public void grantCredit(String sender, int credit) {
        String path = paths.get(sender);
        hub.grantCredit(connectionOf(path), path, credit);
    }

    private long transfers(String path) {
        return hub.framesSince(mark).stream().filter(f -> "IN".equals(f.direction()) && "TRANSFER".equals(f.type())
                && path.equals(f.path())).count();
    }

    /** Transfers seen after a deliberate wait: the check is that no more went out than the credit allowed. */
    public void expectTransfersAfter(int ms, String sender, int expected) {
        pause(ms);
        long seen = transfers(paths.get(sender));
        expect(seen == expected, "transfers on " + paths.get(sender) + " after " + ms + " ms", expected, seen);
    }

    public void awaitTransfers(String sender, int expected) {
        String path = paths.get(sender);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long seen;
        while ((seen = transfers(path)) < expected && System.nanoTime() < deadline) {
            pause(20);
        }
        expect(seen == expected, "transfers on " + path, expected, seen);
    }

    public List<Message> stored(String deviceId, int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Message> all;
        while ((all = hub.telemetry(deviceId)).size() - telemetryBaseline.get(deviceId) < count && System.nanoTime() < deadline) {
            pause(20);
        }
        List<Message> mine = all.subList(telemetryBaseline.get(deviceId), all.size());
        expect(mine.size() == count, "messages the hub stored for " + deviceId, count, mine.size());
        return mine;
    }

    // ------------------------------------------------------------------ messages and transfers

    /** Creates a message, a transfer and sends it; returns the synchronous error, or null. */
    public String send(String sender, String body, Map<String, Object> properties, boolean binary) {
        String m = autoName("m");
        String t = autoName("t");
        call(binary ? "createbinarymessage" : "createmessage", fields("object", m, "body", body, "properties", properties));
        call("createtransfer", fields("object", t, "sender", sender, "message", m));
        Reply r = adapter.call("sendasync", fields("transfer", t));
        return r.ok() ? null : r.error();
    }

    public void sendMany(String sender, int n) {
        for (int i = 0; i < n; i++) {
            String error = send(sender, "message " + i, Map.of(), false);
            if (error != null) {
                sendErrors.add("#" + (i + 1) + ": " + error);
            }
        }
    }

    public void expectNoSendErrors() {
        expect(sendErrors.isEmpty(), "errors of sendasync", "none", sendErrors);
    }

    /** Sends until sendasync fails (or {@code max} were taken): how many were taken, in how long, and the error. */
    public void sendUntilFailure(String sender, int max) {
        long start = System.nanoTime();
        burstTaken = 0;
        burstError = null;
        while (burstTaken < max && (burstError = send(sender, "burst " + burstTaken, Map.of(), false)) == null) {
            burstTaken++;
        }
        burstMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** The credit regenerates while the burst goes on: allow what the documented rate gives back in that time. */
    public void expectBurst(int least, int capacity, int perSecond, String expectedError) {
        long most = capacity + (long) Math.floor(perSecond * burstMillis / 1000.0);
        expect(burstTaken >= least && burstTaken <= most && expectedError.equals(burstError),
                "sendasync calls taken in a burst of " + burstMillis + " ms",
                least + ".." + most + " taken, then the error '" + expectedError + "'",
                burstTaken + " taken, then " + (burstError == null ? "no error" : "the error '" + burstError + "'"));
    }

    public void expectSent(int count, String outcome) {
        Predicate<Received> sent = r -> "sent".equals(r.type());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Received> seen;
        while ((seen = adapter.events(eventStart).stream().filter(sent).toList()).size() < count && System.nanoTime() < deadline) {
            pause(20);
        }
        List<String> outcomes = seen.stream().map(r -> r.event.path("outcome").asText()).toList();
        expect(outcomes.size() == count && outcomes.stream().allMatch(outcome::equals), "transfer outcomes",
                count + " x " + outcome, outcomes);
    }

    public static Map<String, Object> properties(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(json, LinkedHashMap.class);
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("bad properties JSON in the feature: " + json, e);
        }
    }

    public static String bodyText(Message m) {
        Section body = m.getBody();
        if (body instanceof AmqpValue v) {
            return String.valueOf(v.getValue());
        }
        if (body instanceof Data d) {
            Binary b = d.getValue();
            return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
        }
        return String.valueOf(body);
    }

    public void expectStoredBodies(String deviceId, List<String> expected) {
        List<String> bodies = stored(deviceId, expected.size()).stream().map(ClientWorld::bodyText).toList();
        expect(bodies.equals(expected), "bodies the hub stored, in order", expected, bodies);
    }

    public void expectValueBody(String deviceId, String text) {
        Section body = stored(deviceId, 1).get(0).getBody();
        boolean holds = body instanceof AmqpValue v && text.equals(v.getValue());
        expect(holds, "body section", "AMQP value string '" + text + "'", describe(body));
    }

    public void expectDataBody(String deviceId, String base64) {
        Section body = stored(deviceId, 1).get(0).getBody();
        byte[] expected = Base64.getDecoder().decode(base64);
        boolean holds = body instanceof Data d && java.util.Arrays.equals(expected, d.getValue().getArray().length == d.getValue().getLength()
                ? d.getValue().getArray() : java.util.Arrays.copyOfRange(d.getValue().getArray(), d.getValue().getArrayOffset(),
                d.getValue().getArrayOffset() + d.getValue().getLength()));
        expect(holds, "body section", "data section with bytes " + java.util.Arrays.toString(expected), describe(body));
    }

    private static String describe(Section body) {
        if (body instanceof AmqpValue v) {
            return "AMQP value of type " + typeName(v.getValue()) + " (" + v.getValue() + ")";
        }
        if (body instanceof Data d) {
            return "data section of " + d.getValue().getLength() + " bytes";
        }
        return String.valueOf(body);
    }

    public void expectPropertyTypes(String deviceId, Map<String, String> expected) {
        Map<String, Object> props = stored(deviceId, 1).get(0).getApplicationProperties() == null ? Map.of()
                : stored(deviceId, 1).get(0).getApplicationProperties().getValue();
        Map<String, String> observed = new LinkedHashMap<>();
        Map<String, String> observedExact = new LinkedHashMap<>();
        expected.keySet().forEach(k -> {
            observed.put(k, family(props.get(k)));
            observedExact.put(k, typeName(props.get(k)));
        });
        expect(observed.equals(expected), "AMQP types of the properties", expected, observedExact);
    }

    /** integer, float, boolean, string or the exact AMQP type name for anything else. */
    private static String family(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof UnsignedInteger
                || v instanceof UnsignedLong || v instanceof UnsignedShort || v instanceof UnsignedByte) {
            return "integer";
        }
        if (v instanceof Float || v instanceof Double) {
            return "float";
        }
        return typeName(v);
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "absent";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "map";
        }
        if (v instanceof Binary) {
            return "binary";
        }
        return v.getClass().getSimpleName().toLowerCase();
    }

    // ------------------------------------------------------------------ the IoT Hub flow

    public void sendPutToken(String sender, String deviceId) {
        Map<String, Object> props = fields("operation", "put-token", "type", "servicebus.windows.net:sastoken",
                "name", hub.hostName() + "/devices/" + deviceId);
        String error = send(sender, hub.deviceToken(deviceId), props, false);
        expect(error == null, "sendasync of the put-token", "no error", error);
    }

    public void expectReceivedProperty(String receiver, String property, long value) {
        Received r = adapter.await(eventStart, e -> "message".equals(e.type()) && receiver.equals(e.event.path("receiver").asText()), TIMEOUT);
        expect(r != null, "messages on " + receiver, "one within " + TIMEOUT, adapter.events(eventStart));
        JsonNode v = r.event.path("properties").path(property);
        expect(v.isIntegralNumber() && v.asLong() == value, "property " + property + " of the received message", value, v);
        lastDelivery = r.event.path("delivery").asText();
    }

    public void sendCloudToDevice(String deviceId, String body, String property, Object value) {
        hub.sendCloudToDevice(deviceId, body, property, value);
    }

    public void expectReceivedText(String receiver, String property, String value) {
        Received r = adapter.await(eventStart, e -> "message".equals(e.type()) && receiver.equals(e.event.path("receiver").asText()), TIMEOUT);
        expect(r != null, "messages on " + receiver, "one within " + TIMEOUT, adapter.events(eventStart) + "; the hub's frames: "
                + frames(f -> "ATTACH".equals(f.type()) || "TRANSFER".equals(f.type()) || "DETACH".equals(f.type()) || "DISPOSITION".equals(f.type())));
        JsonNode v = r.event.path("properties").path(property);
        expect(value.equals(v.asText(null)), "property " + property + " of the received message", value, v);
    }

    // ------------------------------------------------------------------ SDK-style device clients (capability deviceSdk)

    public void deviceOpen(String name, String deviceId, int tokenSeconds) {
        this.tokenSeconds = tokenSeconds;
        call("deviceopen", fields("object", name, "connectionString", hub.deviceConnectionString(deviceId), "tokenSeconds", tokenSeconds));
    }

    public void deviceSend(String name, String body) {
        call("devicesend", fields("object", name, "transfer", autoName("t"), "body", body, "properties", Map.of()));
    }

    /** Two put-tokens for the device's audience on one connection, the second before the first token's lifetime ran out. */
    public void expectRenewalBeforeExpiry(String deviceId) {
        Predicate<WireFrame> putToken = f -> "CBS_REQUEST".equals(f.type()) && String.valueOf(f.fields().get("name")).endsWith("/devices/" + deviceId);
        long deadline = System.nanoTime() + TIMEOUT.toNanos() + Duration.ofSeconds(4L * tokenSeconds).toNanos();
        List<WireFrame> requests;
        while ((requests = hub.framesSince(mark).stream().filter(putToken).toList()).size() < 2 && System.nanoTime() < deadline) {
            pause(50);
        }
        expect(requests.size() >= 2, "put-tokens for " + deviceId, "a renewal within " + 4 * tokenSeconds + " s",
                frames(f -> !"FLOW".equals(f.type()) && !"EMPTY".equals(f.type())));
        WireFrame first = requests.get(0);
        WireFrame second = requests.get(1);
        expect(second.connectionId().equals(first.connectionId()), "connection of the renewal", first.connectionId(), second.connectionId());
        Duration after = Duration.between(first.time(), second.time());
        expect(after.compareTo(Duration.ofSeconds(tokenSeconds)) < 0, "renewal time after the first put-token",
                "under " + tokenSeconds + " s (the token's lifetime)", after.toMillis() + " ms");
    }

    public void expectNoDetachWith(String condition) {
        List<String> detaches = frames(f -> "OUT".equals(f.direction()) && "DETACH".equals(f.type()) && condition.equals(f.fields().get("condition")));
        expect(detaches.isEmpty(), "the hub's detaches with " + condition, "none", detaches);
    }

    public void accept() {
        call("accept", fields("delivery", lastDelivery));
    }

    /** The client's disposition of the cloud-to-device delivery (same connection, its delivery-id). */
    public void expectSettled(String state) {
        WireFrame t = awaitFrame(f -> "OUT".equals(f.direction()) && "TRANSFER".equals(f.type()) && f.path() != null
                && f.path().toLowerCase(java.util.Locale.ROOT).endsWith("/messages/devicebound"), "the hub's cloud-to-device transfer");
        Object deliveryId = t.fields().get("delivery-id");
        WireFrame d = awaitFrame(f -> "IN".equals(f.direction()) && "DISPOSITION".equals(f.type()) && "receiver".equals(f.fields().get("role"))
                && f.connectionId().equals(t.connectionId()) && deliveryId != null
                && String.valueOf(deliveryId).equals(String.valueOf(f.fields().get("first"))), "the client's disposition of delivery " + deliveryId);
        expect(state.equals(d.fields().get("state")) && Boolean.TRUE.equals(d.fields().get("settled")), "the client's disposition",
                "settled " + state, d.text());
    }

    /** On the connection that carried the put-token, it came before the device link's attach. */
    public void expectPutTokenBeforeAttach(String path) {
        WireFrame request = awaitFrame(f -> "CBS_REQUEST".equals(f.type()), "a put-token");
        WireFrame attach = awaitFrame(f -> "IN".equals(f.direction()) && "ATTACH".equals(f.type()) && path.equals(f.path())
                && f.connectionId().equals(request.connectionId()), "the client's attach of " + path + " on the put-token's connection");
        expect(request.sequence() < attach.sequence(), "put-token and attach order",
                "a put-token before the attach of " + path, frames(f -> "CBS_REQUEST".equals(f.type()) || "ATTACH".equals(f.type())));
    }

    // ------------------------------------------------------------------ end of scenario

    /** Releases the agent and waits until the hub closed every connection of this scenario (limits count per client). */
    public void finish() {
        adapter.call("reset", Map.of());
        Set<String> ids = hub.framesSince(mark).stream().map(WireFrame::connectionId).collect(Collectors.toSet());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (String id : ids) {
            while (hub.connectionOpen(id) && System.nanoTime() < deadline) {
                pause(20);
            }
        }
    }
}
