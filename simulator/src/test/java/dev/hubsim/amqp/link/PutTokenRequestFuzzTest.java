package dev.hubsim.amqp.link;

import dev.hubsim.config.HubFactory;
import dev.hubsim.registry.Hub;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.config.HubConfig;
import dev.hubsim.fuzz.FuzzText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based fuzzing of the put-token request decoder and the {@code $cbs} node: any message (and any bytes that
 * decode to one) is a request or a {@link PutTokenRequest.BadRequestException}; the node always answers with an
 * {@code int} status of 200, 400 or 401 and the request's message-id as correlation-id.
 */
class PutTokenRequestFuzzTest {
    private static CbsNode node;

    @BeforeContainer
    static void node() throws Exception {
        Hub hub = HubFactory.create(HubConfig.defaultHub(), Files.createTempDirectory("cbs-fuzz"));
        node = new CbsNode(TokenValidator.iotHub(hub, Duration.ofMinutes(5), Clock.systemUTC()), null);
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().withCharRange((char) 0, (char) 0xD7FF).ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.of("put-token", "PUT-TOKEN", "servicebus.windows.net:sastoken", "azure-devices.net:sastoken", "",
                        "127.0.0.1/devices/device1", " ").map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i), Arbitraries.strings().ofMaxLength(10).map(s -> (Object) Symbol.valueOf(s)),
                Arbitraries.longs().map(l -> (Object) UnsignedLong.valueOf(l & Long.MAX_VALUE)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(b -> (Object) new Binary(b)));
    }

    @Provide
    Arbitrary<Section> bodies() {
        return Arbitraries.oneOf(Arbitraries.just(null), values().map(v -> (Section) new AmqpValue(v)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(b -> (Section) new Data(new Binary(b))),
                values().list().ofMaxSize(3).map(l -> (Section) new AmqpSequence(l)));
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Map<String, Object>> props = Arbitraries.maps(Arbitraries.of("operation", "type", "name", "expiration", "x"), values()).ofMaxSize(5);
        return net.jqwik.api.Combinators.combine(Arbitraries.oneOf(Arbitraries.just(null), props), bodies(), values())
                .as((p, body, id) -> {
                    Message m = Proton.message();
                    if (p != null) {
                        m.setApplicationProperties(new ApplicationProperties(p));
                    }
                    m.setBody(body);
                    if (id instanceof String || id instanceof UnsignedLong || id instanceof Binary) {
                        m.setMessageId(id);
                    }
                    return m;
                });
    }

    @Property
    void anyMessageIsARequestOrABadRequest(@ForAll("messages") Message message) {
        try {
            PutTokenRequest request = PutTokenRequest.from(message);
            assertEquals(PutTokenRequest.OPERATION_PUT_TOKEN, message.getApplicationProperties().getValue().get("operation"));
            assertNotNull(request.token());
            assertTrue(!request.audience().isBlank());
        } catch (PutTokenRequest.BadRequestException e) {
            assertTrue(e.getMessage().startsWith("Cbs message "), e.getMessage());
        }
    }

    /** What the broker does with the bytes of a transfer on {@code $cbs}: decode, then hand to the node. */
    @Property
    void theNodeAnswersEveryDecodableMessageWithAnIntStatus(@ForAll("wire") byte[] bytes) {
        Message message = Proton.message();
        try {
            message.decode(bytes, 0, bytes.length);
        } catch (RuntimeException undecodable) {
            return; // CbsRequestHandler rejects these with amqp:invalid-field
        }
        CbsNode.Outcome outcome = node.handle(message);
        Object status = outcome.reply().getApplicationProperties().getValue().get("status-code");
        assertTrue(status instanceof Integer && Set.of(200, 400, 401).contains(status), "status " + status);
        assertEquals(message.getMessageId(), outcome.reply().getCorrelationId());
    }

    @Provide
    Arbitrary<byte[]> wire() {
        Arbitrary<byte[]> encoded = messages().map(PutTokenRequestFuzzTest::encode);
        return Arbitraries.oneOf(encoded, encoded.map(b -> mutate(b, 1)), encoded.map(b -> mutate(b, 7)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
    }

    @Property
    void wellFormedRequestsRoundTripThroughTheWireEncoding(@ForAll("typesOfToken") String type, @ForAll("anyText") String audience,
                                                          @ForAll("anyText") String token) throws Exception {
        Message m = Proton.message();
        UUID id = UUID.randomUUID();
        m.setMessageId(id);
        m.setReplyTo("cbs");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("operation", "put-token");
        props.put("type", type);
        props.put("name", audience);
        m.setApplicationProperties(new ApplicationProperties(props));
        m.setBody(new AmqpValue(token));
        Message decoded = Proton.message();
        byte[] bytes = encode(m);
        decoded.decode(bytes, 0, bytes.length);
        if (audience.isBlank()) {
            return;
        }
        assertEquals(new PutTokenRequest(id, "cbs", type, audience, token), PutTokenRequest.from(decoded));
    }

    @Provide
    Arbitrary<String> typesOfToken() {
        return Arbitraries.of(List.copyOf(PutTokenRequest.TOKEN_TYPES)).flatMap(FuzzText::randomCase);
    }

    @Provide
    Arbitrary<String> anyText() {
        // Unpaired surrogates do not survive UTF-8 encoding on any wire; the rest of the range must.
        return Arbitraries.strings().withCharRange((char) 0, (char) 0xD7FF).ofMaxLength(80);
    }

    private static byte[] encode(Message m) {
        byte[] buffer = new byte[1 << 16];
        int n = m.encode(buffer, 0, buffer.length);
        return java.util.Arrays.copyOf(buffer, n);
    }

    private static byte[] mutate(byte[] b, int seed) {
        byte[] copy = b.clone();
        java.util.Random random = new java.util.Random(java.util.Arrays.hashCode(b) * 31L + seed);
        for (int i = 0; i < seed && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }
}
