package dev.hubsim.conformance.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.LinkOutcome;
import dev.hubsim.probe.ProbeConnection.Received;
import dev.hubsim.probe.SasTokens;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Direct methods (reference/iothub-twin-methods-mqtt.md §2, §5.3): the device's link pair on
 * {@code /devices/{id}/methods/devicebound}, the service's {@code POST /twins/{id}/methods} over HTTPS, and what each
 * side sees. Decided from the wire: the AMQP frames and the HTTP answers.
 */
public final class MethodChecks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HubWorld w;
    private Receiver requests;
    private Sender answers;
    private String actor;
    private CompletableFuture<HttpResponse<String>> call;
    private Received request;
    private org.apache.qpid.proton.amqp.transport.DeliveryState unknownAnswerOutcome;

    MethodChecks(HubWorld world) {
        this.w = world;
    }

    /** The actor attaches its method receiver and sender (the receiver subscribes it) on its own methods address. */
    public void subscribe(String actor) {
        subscribe(actor, Sdk.JAVA);
    }

    /** How an SDK attaches its method links (reference §2.1). */
    public enum Sdk {
        /** Channel {@code methods:{uuid}}, an unsettled sender. */
        JAVA,
        /** Channel {@code {deviceId}} alone, the receiver's target {@code requests}, the sender's source {@code responses}. */
        C,
        /** Channel {@code methods:{uuid}}, a sender that sends pre-settled. */
        DOTNET
    }

    public void subscribe(String actor, Sdk sdk) {
        this.actor = actor;
        w.actAs(actor);
        String device = w.device(actor).deviceId();
        String address = "/devices/" + device + "/methods/devicebound";
        Map<Symbol, Object> channel = Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"),
                sdk == Sdk.C ? device : "methods:" + UUID.randomUUID());
        Source from = new Source();
        from.setAddress(address);
        requests = w.connection().receiver(w.session(), "methods_requests_link-" + UUID.randomUUID(), from, 10, r -> {
            r.setProperties(channel);
            r.setTarget(terminus(sdk == Sdk.C ? "requests" : null));
        });
        LinkOutcome in = w.connection().awaitAttach(requests);
        Source source = new Source();
        source.setAddress(sdk == Sdk.C ? "responses" : null);
        answers = w.connection().sender(w.session(), "methods_responses_link-" + UUID.randomUUID(), address, channel,
                sdk == Sdk.DOTNET ? SenderSettleMode.SETTLED : SenderSettleMode.UNSETTLED, source);
        LinkOutcome out = w.connection().awaitAttach(answers);
        w.verdicts.expect(in.attached() && out.attached(), "attach of the methods receiver and sender on " + address, "both attached",
                HubWorld.describe(in) + " / " + HubWorld.describe(out));
    }

    /** The service invokes {@code method} on the device with this JSON payload, over HTTPS; the answer comes later. */
    public void invoke(String device, String method, String payload, int responseTimeout, int connectTimeout) {
        String body = "{\"methodName\":" + quote(method) + ",\"payload\":" + payload + ",\"responseTimeoutInSeconds\":" + responseTimeout
                + ",\"connectTimeoutInSeconds\":" + connectTimeout + "}";
        URI uri = URI.create("https://" + w.target().service().hostName() + ":" + w.target().httpsPort() + "/twins/" + w.device(device).deviceId()
                + "/methods?api-version=2021-04-12");
        HttpClient client = HttpClient.newBuilder().sslContext(w.target().trust()).build();
        call = client.sendAsync(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", SasTokens.policyToken(w.target().service(), w.now().plus(HubWorld.TOKEN_LIFETIME))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The device gets the request: a uuid correlation-id, the name as application property, one Data section of JSON. */
    public void expectRequest(String method, String payload) throws Exception {
        request = w.connection(actor).awaitMessage(requests);
        Message m = request.message();
        w.verdicts.expectEqual("AMQP type of the request's correlation-id", "uuid", Verdicts.amqpType(m.getCorrelationId()));
        Object name = m.getApplicationProperties() == null ? null : m.getApplicationProperties().getValue().get("IoThub-methodname");
        w.verdicts.expectEqual("application property IoThub-methodname", Verdicts.typed(method), Verdicts.typed(name));
        w.verdicts.expect(m.getBody() instanceof Data, "the request's body", "one Data section", m.getBody() == null ? "none" : m.getBody().getClass().getSimpleName());
        Binary b = ((Data) m.getBody()).getValue();
        JsonNode got = JSON.readTree(new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8));
        w.verdicts.expectEqual("the request's JSON payload", JSON.readTree(payload), got);
        w.connection(actor).settle(request, Accepted.getInstance());
    }

    /** The device takes the next request, whatever its form, and accepts it. */
    public void takeRequest() {
        request = w.connection(actor).awaitMessage(requests);
        w.connection(actor).settle(request, Accepted.getInstance());
    }

    /** The request's correlation-id is an RFC 4122 uuid, version 1-5: only such text Node echoes as a uuid (§2.2). */
    public void expectRfc4122CorrelationId() {
        Object id = request.message().getCorrelationId();
        w.verdicts.expect(id instanceof UUID u && u.version() >= 1 && u.version() <= 5 && u.variant() == 2,
                "the request's correlation-id", "an RFC 4122 uuid of version 1 to 5 (random v4 advised)",
                Verdicts.typed(id) + (id instanceof UUID u ? ", version " + u.version() + ", variant " + u.variant() : ""));
    }

    /** The device answers a request the hub never sent (a random uuid correlation-id); the answer's outcome is checked. */
    public void answerUnknown(int status) {
        unknownAnswerOutcome = w.connection(actor).awaitOutcome(w.connection(actor).send(answers, answerMessage(UUID.randomUUID(), status, "{}")));
    }

    public void expectUnknownAnswerOutcome(String outcome) {
        w.verdicts.expectEqual("outcome of the answer to no request", outcome, HubWorld.outcomeName(unknownAnswerOutcome));
    }

    /** The device answers the request with this status (AMQP int) and JSON payload, echoing its correlation-id; null: no body. */
    public void answer(int status, String payload) {
        var delivery = w.connection(actor).send(answers, answerMessage(request.message().getCorrelationId(), status, payload));
        if (!delivery.isSettled()) {
            w.connection(actor).awaitOutcome(delivery);
        }
    }

    private static Message answerMessage(Object correlationId, int status, String payload) {
        Message m = Proton.message();
        Properties p = new Properties();
        p.setCorrelationId(correlationId);
        m.setProperties(p);
        m.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", status)));
        if (payload != null) {
            m.setBody(new Data(new Binary(payload.getBytes(StandardCharsets.UTF_8))));
        }
        return m;
    }

    /** The service's HTTP answer: 200 with {"status":..,"payload":..}. */
    public void expectResult(int status, String payload) throws Exception {
        HttpResponse<String> r = response();
        w.verdicts.expectEqual("HTTP status of the method call", 200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        w.verdicts.expectEqual("the call's status", status, body.path("status").isInt() ? body.get("status").asInt() : body.get("status"));
        w.verdicts.expectEqual("the call's payload", JSON.readTree(payload), body.get("payload"));
    }

    /** The service's HTTP answer is an error with this status and numeric error code (top level or inside Message). */
    public void expectError(int httpStatus, int code) throws Exception {
        HttpResponse<String> r = response();
        w.verdicts.expectEqual("HTTP status of the method call", httpStatus, r.statusCode());
        w.verdicts.expectEqual("errorCode of the answer", code, errorCode(r.body()));
    }

    private HttpResponse<String> response() throws Exception {
        return call.get(ProbeConnection.TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
    }

    /** The numeric code, at the top level or in the JSON text of {@code Message} (reference §5.6); null when none. */
    static Integer errorCode(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json.path("errorCode").isInt()) {
                return json.get("errorCode").asInt();
            }
            JsonNode inner = JSON.readTree(json.path("Message").asText("{}"));
            return inner.path("errorCode").isInt() ? inner.get("errorCode").asInt() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Target terminus(String address) {
        Target t = new Target();
        t.setAddress(address);
        return t;
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
