package dev.hubsim.client;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference client against the embedded simulator (imp limit profile), over TLS on loopback. */
class ImpClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static HubSimulator hub;
    private static String url;
    private Amqp amqp;

    /** Events in arrival order, as "EVENT" or "EVENT: detail". */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final EventCallback recorder = (e, d) -> events.add(d == null ? e : e + ": " + d);

    @BeforeAll
    static void start() throws Exception {
        hub = HubSimulator.builder().dataDir(Files.createTempDirectory("imp-client")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .limits(LimitProfile.imp()).start();
        url = "amqps://127.0.0.1:" + hub.amqpsPort();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @AfterEach
    void closeClient() {
        if (amqp != null) {
            amqp.close();
        }
    }

    private Amqp client() {
        amqp = new Amqp(hub.tls().clientContext(), null);
        return amqp;
    }

    private String next() throws InterruptedException {
        String e = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(e, "no event within " + TIMEOUT);
        return e;
    }

    private AmqpSession openSession(Amqp a) throws InterruptedException {
        AmqpConnection c = a.openConnection(url, recorder);
        assertEquals("CONNECTION_OPEN", next());
        AmqpSession s = c.openSession(recorder);
        assertEquals("SESSION_OPEN", next());
        return s;
    }

    /** The documented IoT Hub flow: put-token on $cbs, its reply on the $cbs receiver, then telemetry on the device path. */
    private void putToken(AmqpSession session, String deviceId) throws InterruptedException {
        BlockingQueue<AmqpMessage> replies = new LinkedBlockingQueue<>();
        session.openSender("$cbs", recorder);
        assertEquals("SENDER_OPEN", next());
        session.openReceiver("$cbs", recorder, (m, d) -> {
            replies.add(m);
            d.accept();
        });
        assertEquals("RECEIVER_OPEN", next());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "put-token");
        props.put("type", "servicebus.windows.net:sastoken");
        props.put("name", hub.info().hostName() + "/devices/" + deviceId);
        AmqpSender cbs = (AmqpSender) session.children.get(0);
        BlockingQueue<String> outcome = new LinkedBlockingQueue<>();
        cbs.createTransfer(amqp.createMessage(hub.deviceToken(deviceId, Duration.ofHours(1)), props))
                .sendAsync((o, d) -> outcome.add(o));
        assertEquals("accepted", outcome.poll(10, TimeUnit.SECONDS));
        AmqpMessage reply = replies.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "no put-token reply");
        assertEquals(200, reply.properties().get("status-code"));
    }

    @Test
    void iotHubFlowSendsTelemetryWithTheDocumentedEncoding() throws Exception {
        Amqp a = client();
        AmqpSession session = openSession(a);
        putToken(session, "device1");
        AmqpSender sender = session.openSender("/devices/device1/messages/events", recorder);
        assertFalse(sender.isOpen(), "open before the broker's answer");
        assertEquals("SENDER_OPEN", next());
        assertTrue(sender.isOpen());

        Map<String, Object> props = new LinkedHashMap<>();
        props.put("count", 7);
        props.put("ratio", 0.5);
        props.put("flag", true);
        props.put("name", "x");
        props.put("list", List.of(1, 2));
        BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        sender.createTransfer(a.createMessage("hello", props)).sendAsync((o, d) -> outcomes.add(o + "/" + d));
        sender.createTransfer(a.createBinaryMessage(new byte[] {1, 2, 3}, Map.of())).sendAsync((o, d) -> outcomes.add(o + "/" + d));
        assertEquals("accepted/null", outcomes.poll(10, TimeUnit.SECONDS));
        assertEquals("accepted/null", outcomes.poll(10, TimeUnit.SECONDS));

        List<RecordedTelemetry> stored = hub.telemetry("device1");
        assertEquals(2, stored.size());
        assertInstanceOf(AmqpValue.class, stored.get(0).message().getBody());
        assertEquals("hello", ((AmqpValue) stored.get(0).message().getBody()).getValue());
        Map<String, Object> app = stored.get(0).applicationProperties();
        assertEquals(7, app.get("count"));
        assertEquals(0.5, app.get("ratio"));
        assertEquals(true, app.get("flag"));
        assertEquals("x", app.get("name"));
        assertEquals("[1, 2]", app.get("list"));
        assertInstanceOf(Data.class, stored.get(1).message().getBody());
        assertArrayEquals(new byte[] {1, 2, 3}, stored.get(1).body());

        // The put-token came before the device link's attach, on the wire.
        TraceRecord cbs = hub.traces().query().type(TraceRecord.FrameType.CBS_REQUEST).first().orElseThrow();
        TraceRecord attach = hub.traces().query().path("/devices/device1/messages/events").type(TraceRecord.FrameType.ATTACH)
                .direction(TraceRecord.Direction.IN).first().orElseThrow();
        assertTrue(cbs.happenedBefore(attach));
    }

    @Test
    void aRefusedLinkIsAnErrorEventWithTheBrokersDescription() throws Exception {
        Amqp a = client();
        AmqpSession session = openSession(a);
        AmqpSender sender = session.openSender("/devices/device2/messages/events", recorder);
        String event = next();
        assertTrue(event.startsWith("SENDER_ERROR: No claim on this connection covers"), event);
        assertFalse(sender.isOpen());
        assertTrue(session.isOpen());
    }

    @Test
    void limitsAreReportedWithTheImpStrings() throws Exception {
        Amqp a = client();
        List<AmqpConnection> connections = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // "Four connections" (seeds/imp-amqp-object.txt, AMQP Rate Limitations)
            connections.add(a.openConnection(url, recorder));
        }
        AmqpException e = assertThrows(AmqpException.class, () -> a.openConnection(url, recorder));
        assertEquals("max connection limit reached in amqp.openconnection(url, callback)", e.getMessage());
        connections.get(3).close();
        AmqpConnection c = a.openConnection(url, recorder); // a released connection frees its slot
        for (int i = 0; i < 16; i++) { // "16 sessions"
            c.openSession();
        }
        e = assertThrows(AmqpException.class, () -> c.openSession());
        assertEquals("max session limit reached in amqpconnection.opensession(url, callback)", e.getMessage());
        AmqpSession s = (AmqpSession) c.children.get(0);
        for (int i = 0; i < 64; i++) { // "64 links (senders and receivers combined)"
            s.openSender("/nowhere");
        }
        e = assertThrows(AmqpException.class, () -> s.openSender("/nowhere"));
        assertEquals("max link limit reached in amqpsession.opensender(url, callback)", e.getMessage());
        e = assertThrows(AmqpException.class, () -> s.openReceiver("/nowhere", null, null));
        assertEquals("max link limit reached in amqpsession.openreceiver(url, callback)", e.getMessage());
    }

    /**
     * "You have credit for 40 messages. As these are used they regenerate at the rate of two credits per second, up to the
     * maximum of 40" (seeds/imp-amqp-object.txt). Whatever the machine's pace, after every attempt the number accepted so
     * far must lie within what that bucket allows between the clock readings around the first attempt and this one.
     */
    @Test
    void theMessageRateIs40ThenTwoPerSecond() throws Exception {
        Amqp a = client();
        AmqpSession session = openSession(a);
        AmqpSender sender = session.openSender("/nowhere", null);
        AmqpMessage m = a.createMessage("x");
        List<long[]> attempts = new ArrayList<>(); // {before, after, 1 if accepted}
        // A burst until the first refusal, then one attempt every 50 ms (the client's own pace) for 1.2 s in all.
        while (attempts.isEmpty() || attempts.get(attempts.size() - 1)[2] == 1) {
            attempts.add(attemptSend(sender, m));
            assertTrue(attempts.size() <= 200, "no refusal after 200 sends");
        }
        int burst = attempts.size();
        long end = attempts.get(0)[0] + Duration.ofMillis(1200).toNanos();
        for (long tick = System.nanoTime(); tick < end; tick += Duration.ofMillis(50).toNanos()) {
            java.util.concurrent.locks.LockSupport.parkNanos(tick - System.nanoTime());
            attempts.add(attemptSend(sender, m));
        }
        long firstBefore = attempts.get(0)[0];
        long firstAfter = attempts.get(0)[1];
        int accepted = 0;
        int lateRefusals = 0;
        for (int i = 0; i < attempts.size(); i++) {
            long[] t = attempts.get(i);
            accepted += (int) t[2];
            double mostElapsed = (t[1] - firstBefore) / 1e9;
            assertTrue(accepted <= 40 + 2 * mostElapsed, "attempt " + i + ": " + accepted + " accepted within " + mostElapsed
                    + " s of the first; the bucket allows 40 + 2 per second");
            if (t[2] == 0) {
                double leastElapsed = Math.max(0, (t[0] - firstAfter) / 1e9);
                assertTrue(accepted > 39 + 2 * leastElapsed, "attempt " + i + " refused with only " + accepted + " accepted after at least "
                        + leastElapsed + " s; the bucket had a credit left");
                lateRefusals += i >= burst ? 1 : 0;
            }
        }
        assertTrue(lateRefusals > 0, "the paced attempts outran the regeneration at least once, so the bound was checked late too");
        System.out.println("imp message rate: " + (burst - 1) + " accepted at once, " + accepted + " in " + (attempts.get(attempts.size() - 1)[1]
                - firstBefore) / 1_000_000 + " ms");
    }

    /** One sendAsync: {before, after, 1 if accepted, 0 if refused with the imp's rate error}. */
    private static long[] attemptSend(AmqpSender sender, AmqpMessage m) {
        long before = System.nanoTime();
        try {
            sender.createTransfer(m).sendAsync(null);
            return new long[] {before, System.nanoTime(), 1};
        } catch (AmqpException e) {
            long after = System.nanoTime();
            assertEquals("message rate exceeded in amqptransfer.sendasync(callback)", e.getMessage());
            return new long[] {before, after, 0};
        }
    }

    @Test
    void releasingASessionDetachesItsLinksFirstAndNoEventFollows() throws Exception {
        Amqp a = client();
        AmqpSession session = openSession(a);
        putToken(session, "device3");
        AmqpSender sender = session.openSender("/devices/device3/messages/events", recorder);
        assertEquals("SENDER_OPEN", next());
        String connectionId = hub.traces().query().path("/devices/device3/messages/events").first().orElseThrow().connectionId();
        session.close();
        assertFalse(session.isOpen());
        assertFalse(sender.isOpen());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<TraceRecord> end;
        do {
            end = hub.traces().query().connection(connectionId).type(TraceRecord.FrameType.END).direction(TraceRecord.Direction.OUT).list();
        } while (end.isEmpty() && System.nanoTime() < deadline && !Thread.interrupted() && pause());
        assertEquals(1, end.size(), "the broker answered the End");
        List<TraceRecord> closing = hub.traces().query().connection(connectionId).direction(TraceRecord.Direction.IN)
                .type(TraceRecord.FrameType.DETACH, TraceRecord.FrameType.END).list();
        assertEquals(List.of("DETACH", "DETACH", "DETACH", "END"), closing.stream().map(r -> r.type().name()).toList());
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "no event after release");
    }

    private static boolean pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
