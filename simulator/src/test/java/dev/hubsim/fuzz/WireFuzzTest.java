package dev.hubsim.fuzz;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.RawAmqp;
import dev.hubsim.testing.Waits;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.security.SaslMechanisms;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame mutator on loopback, against the plain and the TLS port: bad protocol headers, truncated, oversized,
 * wrongly typed and random frames, bogus performatives, invalid UTF-8 in attach addresses, huge declared frame sizes,
 * mangled SASL. Every case must end with the connection closed (with an AMQP condition once the AMQP layer got that
 * far) or the input refused, within seconds; meanwhile a well-behaved device connected throughout sends one message
 * per case, and every one of them must arrive exactly once. After each category no event loop may keep burning CPU
 * and fresh connections on both ports must be served ({@link HangWatch}, which bisects to the case on fresh brokers).
 * Cases a server took as valid input ("ignored", closed by this side) and {@code amqp:internal-error} closes are
 * counted in the report. Cases per category: {@code -Dhubsim.fuzz.wireCases} (25 in CI, 500 with
 * {@code -Pfuzz-long}); the seed is printed and settable with {@code -Dhubsim.fuzz.seed}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WireFuzzTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().resetBetweenTests(false).build();

    private static final int CASES = Integer.getInteger("hubsim.fuzz.wireCases", 25);
    private static final long SEED = Long.getLong("hubsim.fuzz.seed", System.nanoTime());
    private static final Duration CASE_DEADLINE = Duration.ofSeconds(5);
    /** Conditions a peer may be closed or refused with for bad input; anything else (e.g. internal-error) is a bug. */
    private static final Set<String> INPUT_ERRORS = Set.of("amqp:connection:framing-error", "amqp:decode-error", "amqp:invalid-field",
            "amqp:not-allowed", "amqp:unauthorized-access", "amqp:not-found", "amqp:illegal-state", "amqp:session:unattached-handle",
            "amqp:session:handle-in-use", "amqp:session:window-violation", "amqp:link:transfer-limit-exceeded", "amqp:not-implemented",
            "amqp:resource-limit-exceeded", "amqp:session:errant-link", "amqp:frame-size-too-small");

    private static final Map<String, Map<String, Integer>> OUTCOMES = new ConcurrentHashMap<>();
    private static final List<String> SENT = Collections.synchronizedList(new ArrayList<>());
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static AmqpTestClient good;
    private static Sender goodSender;
    private static Random random;
    private static int baselineConnections;
    /** This category's cases, as bytes to replay if the broker is unwell after it. */
    private static final List<HostileCase> BATCH = Collections.synchronizedList(new ArrayList<>());
    private static final HangWatch WATCH = new HangWatch(dir -> HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).start());

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    @BeforeAll
    static void wellBehavedClient() throws Exception {
        random = new Random(SEED);
        System.out.println("wire fuzz seed " + SEED + ", " + CASES + " cases per category");
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
        good = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        new CbsClient(good).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
        goodSender = good.sender(good.session(), "good", "/devices/device1/messages/events");
        baselineConnections = hub().connectionCount();
    }

    @AfterAll
    static void report() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        StringBuilder table = new StringBuilder("wire fuzz outcomes (seed " + SEED + "):\n");
        new TreeMap<>(OUTCOMES).forEach((category, outcomes) -> table.append(String.format("  %-22s %4d cases  %s%n", category,
                outcomes.values().stream().mapToInt(Integer::intValue).sum(), new TreeMap<>(outcomes))));
        table.append(String.format("  %d cases in all; %d ignored (valid input: the server kept serving, this side closed); %d closed with amqp:internal-error%n",
                total(o -> true), total(o -> o.endsWith(" ignored")), total(o -> o.contains("amqp:internal-error"))));
        table.append("  busiest event loop in any idle window of this JVM so far: ").append(HangWatch.busiestIdle()).append('\n');
        System.out.println(table);
        if (good != null) {
            good.close();
        }
    }

    private static int total(java.util.function.Predicate<String> outcome) {
        return OUTCOMES.values().stream().flatMap(m -> m.entrySet().stream()).filter(e -> outcome.test(e.getKey()))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * After each category, once its hostile sockets are closed (so their teardown is not measured): no event loop still
     * busy, fresh connections served on both ports.
     */
    @AfterEach
    void brokerIdleAndServing() throws IOException {
        List<RawAmqp> category = List.copyOf(HOSTILE.subList(checkedHostile, HOSTILE.size()));
        for (RawAmqp raw : category) {
            raw.readUntil(f -> false, CASE_DEADLINE); // whether each was closed is asserted at the end
        }
        checkedHostile = HOSTILE.size();
        List<HostileCase> batch = List.copyOf(BATCH);
        BATCH.clear();
        if (!batch.isEmpty()) {
            WATCH.checkBroker(hub(), batch, Long.toString(SEED));
        }
    }

    private static int checkedHostile;

    /** The good client sends one message per case; it must be accepted whatever else is going on. */
    private static void goodClientSends(String category, int i) {
        String body = category + "#" + i + "#" + UUID.randomUUID();
        Message m = Proton.message();
        m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        assertInstanceOf(Accepted.class, good.send(goodSender, m), "the well-behaved client's message during " + category + " #" + i);
        SENT.add(body);
    }

    private static void count(String category, String outcome) {
        OUTCOMES.computeIfAbsent(category, c -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
    }

    /** Every hostile connection, kept until the last test checks that the server closed each socket. */
    private static final List<RawAmqp> HOSTILE = Collections.synchronizedList(new ArrayList<>());

    private static RawAmqp connect(int i) throws IOException {
        RawAmqp raw = i % 2 == 0 ? RawAmqp.plain(hub().amqpPort()) : RawAmqp.tls(hub().amqpsPort(), hub().tls().clientContext());
        HOSTILE.add(raw);
        return raw;
    }

    private static String port(int i) {
        return i % 2 == 0 ? "plain" : "tls";
    }

    /**
     * Sends the case, then a probe Begin on channel 9 (unless the case ends the input), and reads until the server
     * closes, answers the probe, or the deadline passes. Returns the outcome label and checks the rules.
     */
    private static String run(String category, int i, RawAmqp raw, byte[] caseBytes, boolean probe, boolean endInput,
                              boolean mayBeAccepted) throws IOException {
        try {
            raw.write(caseBytes);
            if (endInput) {
                raw.shutdownOutput();
            } else if (probe) {
                raw.write(RawAmqp.frame(0, 9, RawAmqp.begin(), null));
            }
        } catch (IOException e) {
            // The server may close before it has read everything: the write side then fails. That is a close.
        }
        // The case ends at the server's Close (the socket must follow within the close timeout: checked at the end),
        // a SASL outcome, the end of the stream, or the probe's answer.
        boolean ended = raw.readUntil(f -> f instanceof org.apache.qpid.proton.amqp.transport.Close
                || f instanceof org.apache.qpid.proton.amqp.security.SaslOutcome
                || probe && f instanceof Begin b && b.getRemoteChannel() != null && b.getRemoteChannel().intValue() == 9, CASE_DEADLINE);
        ErrorCondition error = raw.firstError();
        String outcome;
        if (!ended) {
            outcome = "HUNG";
        } else if (raw.sawClose()) {
            outcome = "closed" + (error != null ? " " + error.getCondition() : "");
        } else if (raw.serverClosedSocket()) {
            outcome = "closed" + (raw.wasReset() ? " (reset)" : " (socket)");
        } else if (raw.saslOutcome() != null) {
            outcome = "sasl " + raw.saslOutcome().getCode();
        } else if (error != null) {
            outcome = "refused " + error.getCondition();
        } else {
            // A well-formed no-op (e.g. an End for a channel never begun, which Proton-J drops): the server is still
            // serving this connection, so this side ends it.
            outcome = "ignored";
            HOSTILE.remove(raw);
            raw.close();
        }
        count(category, port(i) + " " + outcome);
        BATCH.add(new HostileCase(category + " #" + i, i % 2 == 0 ? HostileCase.Port.PLAIN : HostileCase.Port.TLS, raw.written(), raw.outputShut()));
        assertNotEquals("HUNG", outcome, category + " #" + i + ": neither closed nor answered in " + CASE_DEADLINE + "; frames " + raw.frames());
        if (error != null) {
            assertTrue(INPUT_ERRORS.contains(error.getCondition().toString()) || protonJGap(error), category + " #" + i + ": condition "
                    + error.getCondition() + " '" + error.getDescription() + "' is not one for bad input");
        }
        if (!mayBeAccepted) {
            assertNotEquals("ignored", outcome, category + " #" + i + " was taken as valid input; frames " + raw.frames());
        }
        goodClientSends(category, i);
        return outcome;
    }

    /**
     * Inputs Proton-J 0.34.1's transport lets escape as exceptions instead of decode or session errors (a performative
     * that is not one, a string that is not UTF-8, a transfer or detach for a handle that does not exist), which Artemis
     * reports as {@code amqp:internal-error} with the exception's text (README, "Reliability and security").
     */
    private static boolean protonJGap(ErrorCondition error) {
        // Artemis prefixes "Unrecoverable error" to exceptions from the connection's event handlers, i.e. the hub's own
        // code: those are bugs. Without it, the exception came out of Proton-J's transport while reading the input.
        String d = String.valueOf(error.getDescription());
        return "amqp:internal-error".equals(error.getCondition().toString()) && !d.startsWith("Unrecoverable error");
    }

    // ------------------------------------------------------------------------------------------------ values

    /** A random AMQP value of a random type, nested a little. */
    private static Object value(int depth) {
        switch (random.nextInt(depth > 1 ? 14 : 16)) {
            case 0: return null;
            case 1: return random.nextBoolean();
            case 2: return UnsignedInteger.valueOf(random.nextInt() & 0x7fffffff);
            case 3: return random.nextLong();
            case 4: return randomString(random.nextInt(12));
            case 5: return Symbol.valueOf(randomString(random.nextInt(8)));
            case 6: return new Binary(bytes(random.nextInt(16)));
            case 7: return UnsignedByte.valueOf((byte) random.nextInt());
            case 8: return UnsignedShort.valueOf((short) random.nextInt());
            case 9: return UnsignedLong.valueOf(random.nextLong() & Long.MAX_VALUE);
            case 10: return random.nextDouble();
            case 11: return new UUID(random.nextLong(), random.nextLong());
            case 12: return new Date(random.nextLong() >> 20);
            case 13: return (byte) random.nextInt();
            case 14: {
                List<Object> l = new ArrayList<>();
                for (int k = random.nextInt(4); k > 0; k--) {
                    l.add(value(depth + 1));
                }
                return l;
            }
            default: {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int k = random.nextInt(3); k > 0; k--) {
                    m.put(Symbol.valueOf(randomString(4)), value(depth + 1));
                }
                return m;
            }
        }
    }

    private static String randomString(int n) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < n; k++) {
            b.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : random.nextInt(0xD7FF)));
        }
        return b.toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static List<Object> fields(int n) {
        List<Object> l = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            l.add(value(0));
        }
        return l;
    }

    private static Attach attach(String address, Role role, int handle) {
        Attach a = new Attach();
        a.setName("fuzz-" + handle);
        a.setHandle(UnsignedInteger.valueOf(handle));
        a.setRole(role);
        Target t = new Target();
        Source s = new Source();
        if (role == Role.SENDER) {
            t.setAddress(address);
        } else {
            s.setAddress(address);
        }
        a.setTarget(t);
        a.setSource(s);
        if (role == Role.SENDER) {
            a.setInitialDeliveryCount(UnsignedInteger.ZERO);
        }
        return a;
    }

    private static byte[] amqpFrame(Object performative) {
        return RawAmqp.frame(0, 0, performative, null);
    }

    // ------------------------------------------------------------------------------------------------ categories

    @Test
    @Order(1)
    void badProtocolHeadersAreAnsweredWithTheServersHeaderAndAClose() throws Exception {
        for (int i = 0; i < CASES; i++) {
            byte[] header;
            switch (i % 7) {
                case 0 -> header = bytes(8);
                case 5, 6 -> header = (List.of("GET", "POST", "PUT", "HEAD", "OPTIONS").get(random.nextInt(5)) + " /$iothub/websocket HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                case 1 -> header = new byte[]{'A', 'M', 'Q', 'P', (byte) (4 + random.nextInt(250)), 1, 0, 0};
                case 2 -> header = new byte[]{'A', 'M', 'Q', 'P', 0, (byte) (2 + random.nextInt(5)), (byte) random.nextInt(), (byte) random.nextInt()};
                // A TLS ClientHello start on the plain port, TLS inside TLS on the other.
                case 3 -> header = RawAmqp.concat(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01}, bytes(8));
                default -> header = RawAmqp.concat(new byte[]{'A', 'M', 'Q'}, bytes(5));
            }
            {
                RawAmqp raw = connect(i);
                run("protocol-header", i, raw, RawAmqp.concat(header, bytes(random.nextInt(64))), false, false, false);
            }
        }
    }

    @Test
    @Order(2)
    void truncatedFramesEndInAClose() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-truncated-" + i);
                byte[] whole = RawAmqp.concat(amqpFrame(RawAmqp.begin()), amqpFrame(attach("/devices/device1/messages/events", Role.SENDER, 0)));
                byte[] cut = java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
                run("truncated", i, raw, cut, false, true, false);
            }
        }
    }

    @Test
    @Order(3)
    void framesOverTheNegotiatedMaximumAreAFramingError() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                Open open = raw.handshake("fuzz-oversized-" + i);
                long max = open.getMaxFrameSize() == null ? 0xffffffffL : open.getMaxFrameSize().longValue();
                int size = (int) Math.min(max + 1 + random.nextInt(4096), 8L << 20);
                byte[] body = bytes(size - 8);
                String outcome = run("oversized", i, raw, RawAmqp.rawFrame(size, 2, 0, 0, body), false, false, false);
                assertEquals(port(i) + " closed amqp:connection:framing-error", port(i) + " " + outcome, "a " + size + "-byte frame over max " + max);
            }
        }
    }

    @Test
    @Order(4)
    void hugeDeclaredFrameSizesAreRefusedAtOnce() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-huge-" + i);
                long declared = i % 3 == 0 ? 0xffffffffL : (1L << 24) + (random.nextLong() & 0x7fffffffL);
                long started = System.nanoTime();
                String outcome = run("huge-declared-size", i, raw, RawAmqp.rawFrame(declared, 2, 0, 0, bytes(16)), false, false, false);
                assertTrue(outcome.startsWith("closed"), outcome);
                assertTrue(System.nanoTime() - started < CASE_DEADLINE.toNanos(), "refused without waiting for the declared bytes");
            }
        }
    }

    @Test
    @Order(5)
    void performativesWithWronglyTypedFieldsAreRefused() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-typed-" + i);
                // A real performative code whose fields are random values of random types.
                long code = 0x11 + random.nextInt(8);
                byte[] prefix = code == 0x11 ? new byte[0] : amqpFrame(RawAmqp.begin());
                int arity = 1 + random.nextInt(12);
                Object bogus = new UnknownDescribedType(UnsignedLong.valueOf(code), fields(arity));
                run("wrongly-typed", i, raw, RawAmqp.concat(prefix, amqpFrame(bogus)), true, false, true);
            }
        }
    }

    @Test
    @Order(6)
    void randomFrameBodiesAreRefused() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-random-" + i);
                byte[] body = bytes(1 + random.nextInt(200));
                int type = i % 4 == 3 ? 1 + random.nextInt(255) : 0;
                int doff = i % 5 == 4 ? random.nextInt(256) : 2;
                byte[] frame = doff == 2 ? RawAmqp.rawFrame(8 + body.length, 2, type, random.nextInt(3), body)
                        : RawAmqp.rawFrame(8 + body.length, doff, type, 0, body);
                run("random-frame", i, raw, frame, true, false, true);
            }
        }
    }

    @Test
    @Order(7)
    void bogusAndOutOfStatePerformativesAreRefused() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-bogus-" + i);
                byte[] bytes;
                switch (i % 9) {
                    case 0 -> bytes = amqpFrame(new UnknownDescribedType(UnsignedLong.valueOf(0x19 + random.nextInt(0x1000)), fields(3)));
                    case 1 -> bytes = amqpFrame(new UnknownDescribedType(Symbol.valueOf("amqp:open:list"), fields(2)));
                    case 2 -> bytes = amqpFrame(value(0) == null ? "not a performative" : randomString(5));
                    case 3 -> bytes = amqpFrame(RawAmqp.open("second-open"));
                    case 4 -> {
                        Transfer t = new Transfer();
                        t.setHandle(UnsignedInteger.valueOf(random.nextInt(100)));
                        t.setDeliveryId(UnsignedInteger.ZERO);
                        t.setDeliveryTag(new Binary(new byte[]{1}));
                        bytes = RawAmqp.concat(amqpFrame(RawAmqp.begin()), RawAmqp.frame(0, 0, t, bytes(10)));
                    }
                    case 5 -> bytes = RawAmqp.frame(0, 3, attach("/devices/device1/messages/events", Role.SENDER, 0), null);
                    case 6 -> {
                        Detach d = new Detach();
                        d.setHandle(UnsignedInteger.valueOf(7));
                        bytes = RawAmqp.concat(amqpFrame(RawAmqp.begin()), amqpFrame(d));
                    }
                    case 7 -> {
                        Flow f = new Flow();
                        f.setHandle(UnsignedInteger.valueOf(5));
                        f.setIncomingWindow(UnsignedInteger.ONE);
                        f.setNextOutgoingId(UnsignedInteger.ZERO);
                        f.setOutgoingWindow(UnsignedInteger.ONE);
                        f.setLinkCredit(UnsignedInteger.ONE);
                        Disposition d = new Disposition();
                        d.setRole(Role.RECEIVER);
                        d.setFirst(UnsignedInteger.valueOf(1000));
                        bytes = RawAmqp.concat(amqpFrame(RawAmqp.begin()), amqpFrame(f), amqpFrame(d));
                    }
                    default -> {
                        End e = new End();
                        bytes = RawAmqp.concat(RawAmqp.frame(0, 5, e, null));
                    }
                }
                run("bogus-performative", i, raw, bytes, true, false, true);
            }
        }
    }

    @Test
    @Order(8)
    void invalidUtf8InAttachAddressesGrantsNothing() throws Exception {
        byte[][] invalid = {{(byte) 0xc3, 0x28}, {(byte) 0xa0, (byte) 0xa1}, {(byte) 0xe2, 0x28, (byte) 0xa1}, {(byte) 0xf0, 0x28, (byte) 0x8c, 0x28},
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xff}, {(byte) 0xfe, (byte) 0xfe, (byte) 0xff, (byte) 0xff}};
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.handshake("fuzz-utf8-" + i);
                byte[] bad = invalid[i % invalid.length];
                String placeholder = "Z".repeat(bad.length);
                String[] forms = {"/devices/" + placeholder + "/messages/events", "/devices/device1/messages/" + placeholder,
                        placeholder + "cbs", "/devices/device1" + placeholder + "/messages/events"};
                String address = forms[random.nextInt(forms.length)];
                Role role = i % 3 == 0 ? Role.RECEIVER : Role.SENDER;
                byte[] frame = amqpFrame(attach(address, role, 0));
                replace(frame, placeholder.getBytes(StandardCharsets.US_ASCII), bad);
                String outcome = run("invalid-utf8-address", i, raw, RawAmqp.concat(amqpFrame(RawAmqp.begin()), frame), true, false, false);
                assertTrue(outcome.contains("refused") || outcome.contains("closed"), outcome);
                // Nothing granted: no attach from the server that carries a terminus on our link.
                assertTrue(raw.frames().stream().noneMatch(f -> f instanceof Attach a && (role == Role.SENDER ? a.getTarget() != null : a.getSource() != null)),
                        "the hub attached a link with an undecodable address: " + raw.frames());
            }
        }
    }

    @Test
    @Order(9)
    void mangledSaslIsAnAuthFailureOrAClose() throws Exception {
        for (int i = 0; i < CASES; i++) {
            {
                RawAmqp raw = connect(i);
                raw.write(RawAmqp.SASL_HEADER);
                raw.readUntil(f -> f instanceof SaslMechanisms, Duration.ofSeconds(5));
                byte[] bytes;
                switch (i % 6) {
                    case 0 -> {
                        SaslInit init = new SaslInit();
                        init.setMechanism(Symbol.valueOf(randomString(6)));
                        bytes = RawAmqp.frame(1, 0, init, null);
                    }
                    case 1 -> {
                        SaslInit init = new SaslInit();
                        init.setMechanism(Symbol.valueOf("PLAIN"));
                        init.setInitialResponse(new Binary(bytes(random.nextInt(300))));
                        bytes = RawAmqp.frame(1, 0, init, null);
                    }
                    case 2 -> bytes = RawAmqp.frame(1, 0, new UnknownDescribedType(UnsignedLong.valueOf(0x41), fields(1 + random.nextInt(4))), null);
                    case 3 -> bytes = RawAmqp.frame(1, 0, new UnknownDescribedType(UnsignedLong.valueOf(0x40 + random.nextInt(0x100)), fields(2)), null);
                    case 4 -> bytes = RawAmqp.frame(0, 0, RawAmqp.open("amqp-frame-during-sasl"), null);
                    default -> {
                        SaslInit init = new SaslInit();
                        init.setMechanism(Symbol.valueOf("PLAIN"));
                        byte[] user = RawAmqp.utf8("\0device1@sas.simhub\0");
                        init.setInitialResponse(new Binary(RawAmqp.concat(user, bytes(20))));
                        bytes = RawAmqp.frame(1, 0, init, null);
                    }
                }
                String outcome = run("sasl", i, raw, bytes, false, false, false);
                if (raw.saslOutcome() != null) {
                    assertNotEquals(org.apache.qpid.proton.amqp.security.SaslCode.OK, raw.saslOutcome().getCode(), "mangled SASL authenticated");
                } else {
                    assertTrue(outcome.startsWith("closed"), "no SASL outcome and not closed: " + outcome + " " + raw.frames());
                }
            }
        }
    }

    private static void replace(byte[] in, byte[] what, byte[] with) {
        for (int k = 0; k + what.length <= in.length; k++) {
            if (java.util.Arrays.equals(in, k, k + what.length, what, 0, what.length)) {
                System.arraycopy(with, 0, in, k, with.length);
                return;
            }
        }
        throw new IllegalStateException("placeholder not found");
    }

    @Test
    @Order(100)
    void theWellBehavedClientLostNothingAndNothingLeakedOrLoggedAStackTrace() {
        assertTrue(good.isAttached(goodSender), "the good client's link is still attached");
        List<String> stored = hub().telemetry("device1").stream().map(t -> new String(t.body(), StandardCharsets.UTF_8)).toList();
        for (String body : SENT) {
            assertEquals(1, stored.stream().filter(body::equals).count(), "stored exactly once: " + body);
        }
        System.out.println("wire fuzz: the well-behaved client sent " + SENT.size() + " messages, all stored once");
        // Every hostile socket is closed by the server: at once, or within the close timeout after its Close.
        for (RawAmqp raw : HOSTILE) {
            try {
                raw.readUntil(f -> false, Duration.ofSeconds(5));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertTrue(raw.serverClosedSocket(), "the server closed the socket after " + raw.frames());
            raw.close();
        }
        System.out.println("wire fuzz: " + HOSTILE.size() + " hostile sockets, every one closed by the server");
        Waits.until("the fuzz connections to be released (" + hub().connectionCount() + " left, baseline " + baselineConnections + ")",
                () -> hub().connectionCount() == baselineConnections);
        List<String> traces = LOG.list.stream().filter(e -> e.getThrowableProxy() != null)
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + " / " + e.getThrowableProxy().getClassName()).toList();
        System.out.println("wire fuzz: " + LOG.list.size() + " log lines, " + traces.size() + " with a stack trace");
        assertEquals(List.of(), traces, "no stack traces for bad input");
    }
}
