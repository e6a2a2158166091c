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
    private final List<Burst> bursts = new ArrayList<>();
    private boolean faultsSet;
    private boolean cloudToDeviceSent;
    private final List<Object> settledDeliveryIds = new ArrayList<>();

    /** One run of sendasync calls until one failed (or the most were taken): when it started and ended, and the error. */
    private record Burst(int taken, String error, long startNanos, long lastCallNanos, long endNanos) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

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
        return openSession(name, connection, true);
    }

    /** {@code ownCallback} false: the object is opened without a callback of its own (protocol v2, "callback": false). */
    public Reply openSession(String name, String connection, boolean ownCallback) {
        Map<String, Object> f = fields("object", name, "connection", connection);
        if (!ownCallback) {
            f.put("callback", false);
        }
        return adapter.call("opensession", f);
    }

    public void openSessionOk(String name, String connection) {
        openSessionOk(name, connection, true);
    }

    public void openSessionOk(String name, String connection, boolean ownCallback) {
        Reply r = openSession(name, connection, ownCallback);
        expect(r.ok(), "opensession " + name, "no error", "error '" + r.error() + "'");
    }

    public Reply openSender(String name, String path, String session) {
        return openSender(name, path, session, true);
    }

    public Reply openSender(String name, String path, String session, boolean ownCallback) {
        paths.put(name, path);
        Map<String, Object> f = fields("object", name, "session", session, "path", path);
        if (!ownCallback) {
            f.put("callback", false);
        }
        return adapter.call("opensender", f);
    }

    public void openSenderOk(String name, String path, String session) {
        openSenderOk(name, path, session, true);
    }

    public void openSenderOk(String name, String path, String session, boolean ownCallback) {
        Reply r = openSender(name, path, session, ownCallback);
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

    public void expectSucceeds(Reply r, String op) {
        expect(r.ok(), op + " after a release freed a slot", "no error", "error '" + r.error() + "'");
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

    /** The object whose callback heard the event: the v2 "callback" field, else (v1) the object itself. */
    private static String heardBy(Received r) {
        JsonNode cb = r.event.path("callback");
        return cb.isTextual() ? cb.asText() : r.event.path("object").asText(null);
    }

    /** An event about an object the kit named (v2 adapters report null for events heard by another object's callback). */
    private static boolean named(Received r) {
        return r.event.path("object").isTextual();
    }

    /** The callback of {@code owner} hears {@code name} (of {@code owner} or of an object without a callback of its own). */
    public void expectHeard(String owner, String name) {
        Received r = adapter.await(eventStart, e -> "callback".equals(e.type()) && owner.equals(heardBy(e))
                && name.equals(e.event.path("name").asText()), TIMEOUT);
        expect(r != null, "events heard by the callback of " + owner, name + " within " + TIMEOUT, "events " + callbacksWithOwners());
    }

    /** The callback of {@code owner} heard no event but {@code allowed} (after the events awaited so far arrived). */
    public void expectHeardOnly(String owner, List<String> allowed) {
        pause(200); // a second signal of the same event would follow the first at once
        List<String> heard = adapter.events(eventStart).stream().filter(e -> "callback".equals(e.type()) && owner.equals(heardBy(e)))
                .map(e -> e.event.path("name").asText()).toList();
        expect(allowed.containsAll(heard), "events heard by the callback of " + owner, "only " + allowed, heard);
    }

    private List<String> callbacksWithOwners() {
        return adapter.events(eventStart).stream().filter(r -> "callback".equals(r.type()))
                .map(r -> r.event.path("name").asText() + " of " + r.event.path("object").asText("?") + " heard by " + heardBy(r)).toList();
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

    /** {@code object} reported no {@code name} (so far). */
    public void expectNoEvent(String object, String name) {
        List<String> seen = adapter.events(eventStart).stream().filter(callback(object, name)).map(Received::toString).toList();
        expect(seen.isEmpty(), name + " of " + object, "none", seen);
    }

    /** Each object reported its OPEN event exactly once. */
    public void expectOpenOnce(List<String> objects) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String o : objects) {
            counts.put(o, adapter.events(eventStart).stream().filter(r -> "callback".equals(r.type()) && o.equals(r.event.path("object").asText())
                    && r.event.path("name").asText().endsWith("_OPEN")).count());
        }
        expect(counts.values().stream().allMatch(n -> n == 1), "OPEN events per object", "exactly one each", counts);
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

    /** The hub holds its Begin and Attach answers to the device's connections (the scenario's connection is the device's). */
    public void holdAnswers(String deviceId, int millis) {
        hub.holdAnswers(deviceId, Duration.ofMillis(millis));
        faultsSet = true;
    }

    /**
     * Each OPEN event arrived when the hub had already sent the answer it confirms: the Open on the connection, the
     * Begin whose remote-channel is the client's Begin channel, the Attach with the client's link name.
     */
    @SuppressWarnings("unchecked")
    public void expectOpensAfterAnswers() {
        for (Received r : adapter.events(eventStart)) {
            String name = r.event.path("name").asText();
            if (!name.endsWith("_OPEN") || !named(r)) {
                continue;
            }
            String object = r.event.path("object").asText();
            List<WireFrame> sent = (List<WireFrame>) r.hubSnapshot;
            Predicate<WireFrame> answer = answerTo(name, object);
            boolean answered = sent != null && sent.stream().anyMatch(answer);
            expect(answered, name + " of " + object, "after the hub sent its answer (" + describeAnswer(name, object) + ")",
                    "at that moment the hub had sent " + (sent == null ? "nothing" : sent.stream().map(f -> f.type() + (f.channel() >= 0
                    ? "[" + f.channel() + "]" : "") + (f.path() == null ? "" : " " + f.path())).toList()));
        }
    }

    private Predicate<WireFrame> answerTo(String event, String object) {
        List<WireFrame> in = hub.framesSince(mark).stream().filter(f -> "IN".equals(f.direction())).toList();
        if (event.startsWith("CONNECTION")) {
            return f -> "OPEN".equals(f.type());
        }
        if (event.startsWith("SESSION")) {
            // The scenario's sessions: each Begin the client sent; the answer names its channel as remote-channel.
            List<Integer> channels = in.stream().filter(f -> "BEGIN".equals(f.type())).map(WireFrame::channel).toList();
            return f -> "BEGIN".equals(f.type()) && channels.contains(((Number) f.fields().getOrDefault("remote-channel", -1)).intValue());
        }
        String path = paths.get(object);
        List<Object> names = in.stream().filter(f -> "ATTACH".equals(f.type()) && (path == null || path.equals(f.path())))
                .map(f -> f.fields().get("name")).toList();
        return f -> "ATTACH".equals(f.type()) && names.contains(f.fields().get("name"));
    }

    private String describeAnswer(String event, String object) {
        return event.startsWith("CONNECTION") ? "Open" : event.startsWith("SESSION") ? "Begin with remote-channel = the client's Begin channel"
                : "Attach of the client's link name for " + paths.get(object);
    }

    public void expectOpenOrder(List<String> expected) {
        List<String> observed = adapter.events(eventStart).stream().filter(ClientWorld::named).map(r -> r.event.path("name").asText())
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

    public void expectConnectionClosedByClient() {
        awaitFrame(f -> "IN".equals(f.direction()) && "CLOSE".equals(f.type()), "the client's Close");
    }

    public void expectNoEventsAfterRelease(List<String> objects) {
        // The hub's answer to the release (End for a session, Close for a connection): later events would be the client's.
        awaitFrame(f -> "OUT".equals(f.direction()) && ("END".equals(f.type()) || "CLOSE".equals(f.type())), "the hub's End or Close");
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
        long lastCall = start;
        int taken = 0;
        String error = null;
        while (taken < max) {
            lastCall = System.nanoTime();
            if ((error = send(sender, "burst " + taken, Map.of(), false)) != null) {
                break;
            }
            taken++;
        }
        bursts.add(new Burst(taken, error, start, lastCall, System.nanoTime()));
    }

    private Burst lastBurst() {
        return bursts.get(bursts.size() - 1);
    }

    /** At least {@code least} were taken, then sendasync failed with exactly the documented error. */
    public void expectBurstAtLeast(int least, String expectedError) {
        Burst b = lastBurst();
        expect(b.taken() >= least && expectedError.equals(b.error()), "sendasync calls taken in a burst of " + b.millis() + " ms",
                "at least " + least + ", then the error '" + expectedError + "'",
                b.taken() + " taken, then " + (b.error() == null ? "no error" : "the error '" + b.error() + "'"));
    }

    /** No more than the capacity plus what the rate gives back during the burst were taken before a call failed. */
    public void expectBurstAtMost(int capacity, int perSecond) {
        Burst b = lastBurst();
        long most = capacity + (long) Math.floor(perSecond * b.millis() / 1000.0);
        expect(b.error() != null && b.taken() <= most, "sendasync calls taken in a burst of " + b.millis() + " ms",
                "at most " + most + " (" + capacity + " + " + perSecond + "/s), then a failure",
                b.taken() + " taken, then " + (b.error() == null ? "no failure" : "the error '" + b.error() + "'"));
    }

    /**
     * The burst after a wait took what the rate gave back since the previous burst failed: at least rate x wait (from
     * the failure's reply to this burst's first call), at most one more (the fraction left at the failure) plus rate x
     * the time from the failing call's start to this burst's end (the longest the client can have counted).
     */
    public void expectRegenerated(int perSecond) {
        Burst before = bursts.get(bursts.size() - 2);
        Burst b = lastBurst();
        double waited = (b.startNanos() - before.endNanos()) / 1e9;
        double upto = (b.endNanos() - before.lastCallNanos()) / 1e9;
        long least = (long) Math.floor(perSecond * waited);
        long most = 1 + (long) Math.floor(perSecond * upto);
        expect(before.error() != null && b.error() != null && b.taken() >= least && b.taken() <= most,
                String.format("sendasync calls taken %.2f s after the credit ran out (burst of %d ms)", waited, b.millis()),
                least + ".." + most + " (" + perSecond + " per second), then a failure",
                b.taken() + " taken, then " + (b.error() == null ? "no failure" : "the error '" + b.error() + "'"));
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
        cloudToDeviceSent = true;
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

    /** Sends telemetry from the device client; the hub grants its telemetry link the one credit it needs. */
    public void deviceSend(String name, String body) {
        call("devicesend", fields("object", name, "transfer", autoName("t"), "body", body, "properties", Map.of()));
        WireFrame attach = awaitFrame(f -> "OUT".equals(f.direction()) && "ATTACH".equals(f.type()) && f.path() != null
                && f.path().endsWith("/messages/events") && f.fields().get("target") != null, "the hub's answer to the device's telemetry attach");
        hub.grantCredit(attach.connectionId(), attach.path(), 1);
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
        settle("accept");
    }

    /** accept, reject or releasedelivery on the last delivery received. */
    public void settle(String op) {
        call(op, fields("delivery", lastDelivery));
    }

    /** After a wait, the client has not settled the hub's cloud-to-device delivery (it waits for the application). */
    public void expectUnsettledAfter(int millis) {
        WireFrame t = c2dTransfer();
        pause(millis);
        List<String> dispositions = hub.framesSince(mark).stream().filter(clientDisposition(t)).map(WireFrame::text).toList();
        expect(dispositions.isEmpty(), "the client's dispositions of delivery " + t.fields().get("delivery-id") + " after " + millis
                + " ms, before the application settled it", "none", dispositions);
    }

    private WireFrame c2dTransfer() {
        return awaitFrame(f -> "OUT".equals(f.direction()) && "TRANSFER".equals(f.type()) && f.path() != null
                && f.path().toLowerCase(java.util.Locale.ROOT).endsWith("/messages/devicebound"), "the hub's cloud-to-device transfer");
    }

    private static Predicate<WireFrame> clientDisposition(WireFrame transfer) {
        Object deliveryId = transfer.fields().get("delivery-id");
        return f -> "IN".equals(f.direction()) && "DISPOSITION".equals(f.type()) && "receiver".equals(f.fields().get("role"))
                && f.connectionId().equals(transfer.connectionId()) && deliveryId != null
                && String.valueOf(deliveryId).equals(String.valueOf(f.fields().get("first")));
    }

    /** The client's disposition of the cloud-to-device delivery (same connection, its delivery-id). */
    public void expectSettled(String state) {
        WireFrame t = c2dTransfer();
        Object deliveryId = t.fields().get("delivery-id");
        WireFrame d = awaitFrame(clientDisposition(t), "the client's disposition of delivery " + deliveryId);
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

    /**
     * Releases the agent and waits until the hub closed every connection of this scenario (limits count per client);
     * clears the faults it set and the cloud-to-device messages it left queued.
     */
    public void finish() {
        try {
            adapter.call("reset", Map.of());
        } finally {
            Set<String> ids = hub.framesSince(mark).stream().map(WireFrame::connectionId).collect(Collectors.toSet());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (String id : ids) {
                while (hub.connectionOpen(id) && System.nanoTime() < deadline) {
                    pause(20);
                }
            }
            if (faultsSet) {
                hub.clearFaults();
            }
            if (cloudToDeviceSent) {
                List.of("device1", "device2", "device3").forEach(hub::purgeCloudToDevice);
            }
        }
    }

    /**
     * What a failure report shows: the hub's frames of this scenario (the last {@code maxFrames}, empty frames left out)
     * and the adapter's events, each with its time, as JSON for the report and a sequence-diagram renderer.
     */
    public byte[] evidence(int maxFrames) {
        com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode();
        root.put("statement", statement);
        com.fasterxml.jackson.databind.node.ArrayNode frames = root.putArray("frames");
        List<WireFrame> all = hub.framesSince(mark).stream().filter(f -> !"EMPTY".equals(f.type())).toList();
        for (WireFrame f : all.subList(Math.max(0, all.size() - maxFrames), all.size())) {
            com.fasterxml.jackson.databind.node.ObjectNode n = frames.addObject().put("sequence", f.sequence()).put("time", f.time().toString())
                    .put("micros", micros(f.time())).put("connection", f.connectionId()).put("direction", f.direction())
                    .put("type", f.type()).put("channel", f.channel()).put("path", f.path());
            n.set("fields", JSON.valueToTree(stringified(f.fields())));
        }
        com.fasterxml.jackson.databind.node.ArrayNode events = root.putArray("events");
        for (Received r : adapter.events(eventStart)) {
            events.addObject().put("index", r.index).put("time", r.at.toString()).put("micros", micros(r.at)).set("event", r.event);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long micros(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    /** Frame fields as JSON can hold them: AMQP types other than numbers, booleans and strings as their text. */
    private static Map<String, Object> stringified(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v == null || v instanceof Number || v instanceof Boolean || v instanceof String ? v : String.valueOf(v)));
        return out;
    }
}
