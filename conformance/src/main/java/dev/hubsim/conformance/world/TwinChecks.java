package dev.hubsim.conformance.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.LinkOutcome;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A device's twin channel (reference/iothub-twin-methods-mqtt.md §1): the sender and receiver on
 * {@code /devices/{id}/twin} sharing {@code com.microsoft:channel-correlation-id}, requests as the SDKs send them
 * (operation and resource annotations, uuid or string correlation-id), and the answers' types and bodies.
 */
public final class TwinChecks {
    private static final Symbol CHANNEL = Symbol.valueOf("com.microsoft:channel-correlation-id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubWorld w;
    private Sender requests;
    private Receiver answers;
    private Object correlationId;
    private DeliveryState requestOutcome;
    private Message answer;
    private String device;
    private Message push;
    private boolean presettled;

    TwinChecks(HubWorld world) {
        this.w = world;
    }

    /** Both links of one channel of the current actor's device, as every SDK attaches them. */
    public void attached(String device) {
        attached(device, false);
    }

    /** The same; with {@code presettled} the sender sends every request pre-settled, as Node, C and .NET do (§1.1). */
    public void attached(String device, boolean presettled) {
        String address = "/devices/" + w.expand("{" + device + "}") + "/twin";
        this.device = w.expand("{" + device + "}");
        Map<Symbol, Object> props = Map.of(CHANNEL, "twin:" + UUID.randomUUID());
        ProbeConnection c = w.connection();
        this.presettled = presettled;
        requests = c.sender(w.session(), "twin-sender-" + UUID.randomUUID(), address, props,
                presettled ? SenderSettleMode.SETTLED : SenderSettleMode.UNSETTLED, new org.apache.qpid.proton.amqp.messaging.Source());
        LinkOutcome out = c.awaitAttach(requests);
        w.verdicts.expect(out.attached(), "the twin sender attaches", "attached", out);
        org.apache.qpid.proton.amqp.messaging.Source source = new org.apache.qpid.proton.amqp.messaging.Source();
        source.setAddress(address);
        answers = c.receiver(w.session(), "twin-receiver-" + UUID.randomUUID(), source, 10, r -> r.setProperties(props));
        out = c.awaitAttach(answers);
        w.verdicts.expect(out.attached(), "the twin receiver attaches", "attached", out);
    }

    /** A request: correlation-id of AMQP type uuid or string, the operation and resource annotations, an optional body. */
    public void request(String operation, String resource, String idType, String body) {
        send(operation, resource, "uuid".equals(idType) ? UUID.randomUUID() : UUID.randomUUID().toString(), body, false);
    }

    /**
     * A request as .NET sends it (§1.2): correlation-id {@code prefix} + a GUID (a string the SDK classifies the answer
     * by), no body section unless {@code body}, and on a PATCH the {@code version} annotation with a null value.
     */
    public void requestAsDotNet(String operation, String resource, String prefix, String body) {
        send(operation, resource, prefix + UUID.randomUUID(), body, "PATCH".equals(operation));
    }

    private void send(String operation, String resource, Object id, String body, boolean nullVersion) {
        correlationId = id;
        Message m = org.apache.qpid.proton.Proton.message();
        m.setCorrelationId(correlationId);
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(Symbol.valueOf("operation"), operation);
        if (resource != null) {
            annotations.put(Symbol.valueOf("resource"), resource);
        }
        if (nullVersion) {
            annotations.put(Symbol.valueOf("version"), null);
        }
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        if (body != null) {
            m.setBody(new Data(new Binary(repeatMarkers(body).getBytes(StandardCharsets.UTF_8))));
        }
        ProbeConnection c = w.connection();
        Delivery delivery = c.send(requests, m);
        // A pre-settled request has no outcome to wait for: the answer message is all the client gets (Node, C, .NET).
        requestOutcome = presettled ? null : c.awaitOutcome(delivery);
        answer = next();
    }

    /** "{4097 x}" in a feature's body stands for 4,097 x's. */
    private static String repeatMarkers(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+) (\\S)\\}").matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(2).repeat(Integer.parseInt(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The next message on the channel's receiver (an answer or a push), accepted. */
    private Message next() {
        ProbeConnection.Received received = w.connection().awaitMessage(answers);
        w.connection().settle(received, org.apache.qpid.proton.amqp.messaging.Accepted.getInstance());
        return received.message();
    }

    /** The back end changes the device's desired properties (through the simulator's control); the push is awaited. */
    public void desiredChangedBySimulator(String json) {
        w.control().patchDesired(device, json);
        push = next();
    }

    public void expectPushForm() {
        Object version = push.getMessageAnnotations() == null ? null : push.getMessageAnnotations().getValue().get(Symbol.valueOf("version"));
        Object resource = push.getMessageAnnotations() == null ? null : push.getMessageAnnotations().getValue().get(Symbol.valueOf("resource"));
        w.verdicts.expect(push.getCorrelationId() == null, "the push's correlation-id", "none", Verdicts.typed(push.getCorrelationId()));
        w.verdicts.expectEqual("the push's \"resource\" annotation", "/properties/desired", resource);
        w.verdicts.expect(version instanceof Long, "the push's \"version\" annotation", "a long", Verdicts.typed(version));
        answer = push;
        JsonNode body = body();
        w.verdicts.expect(body.path("$version").isIntegralNumber() && body.path("$version").asLong() == (Long) version,
                "the push body's $version", "the \"version\" annotation, " + version, body.path("$version"));
    }

    public void expectRequestOutcome(String outcome) {
        w.verdicts.expectEqual("outcome of the twin request", outcome, HubWorld.outcomeName(requestOutcome));
    }

    public void expectCorrelationEchoed(String type) {
        Object echoed = answer.getCorrelationId();
        w.verdicts.expect(correlationId.equals(echoed) && type.equals(Verdicts.amqpType(echoed)),
                "the answer's correlation-id", Verdicts.typed(correlationId), Verdicts.typed(echoed));
    }

    public void expectStatus(int status, String type) {
        Object value = annotation("status");
        boolean holds = value instanceof Number n && n.intValue() == status && (type == null || type.equals(Verdicts.amqpType(value)));
        w.verdicts.expect(holds, "the answer's \"status\" annotation", status + (type == null ? "" : " (" + type + ")"), Verdicts.typed(value));
    }

    /** The status is a 2xx AMQP int (C requires 2xx on its subscription PUTs, §1.4). */
    public void expectSuccessStatus() {
        Object value = annotation("status");
        w.verdicts.expect(value instanceof Integer n && n >= 200 && n < 300, "the answer's \"status\" annotation", "2xx (int)", Verdicts.typed(value));
    }

    /** The answer's {@code version} annotation is an AMQP long equal to the member's {@code $version} in a later GET. */
    public void expectVersionIsReportedVersion() {
        Object version = annotation("version");
        w.verdicts.expect(version instanceof Long, "the answer's \"version\" annotation", "a long", Verdicts.typed(version));
        request("GET", null, "uuid", " ");
        long reported = body().path("reported").path("$version").asLong(-1);
        w.verdicts.expectEqual("the reported $version after the patch", version, reported);
    }

    public void expectBodyHas(String pointer, String json) {
        JsonNode expected = parse(json);
        JsonNode observed = body().at(pointer);
        w.verdicts.expect(expected.equals(observed) || expected.isNumber() && observed.isNumber() && expected.asDouble() == observed.asDouble(),
                "the answer body's " + pointer, expected, observed.isMissingNode() ? "(missing)" : observed);
    }

    public void expectBodyLacks(String pointer) {
        JsonNode observed = body().at(pointer);
        w.verdicts.expect(observed.isMissingNode(), "the answer body's " + pointer, "(missing)", observed);
    }

    public void expectVersionsPresent() {
        JsonNode b = body();
        boolean holds = b.path("desired").path("$version").isIntegralNumber() && b.path("reported").path("$version").isIntegralNumber();
        w.verdicts.expect(holds, "the GET body", "desired and reported, each with a numeric $version", b);
    }

    public void expectNoBodyOrOneDataSection() {
        Object body = answer.getBody();
        w.verdicts.expect(body == null || body instanceof Data, "the answer's body", "none, or one Data section", body == null ? "none"
                : body.getClass().getSimpleName());
    }

    private JsonNode body() {
        w.verdicts.expect(answer.getBody() instanceof Data, "the answer's body", "one Data section with JSON", answer.getBody());
        Binary b = ((Data) answer.getBody()).getValue();
        try {
            return JSON.readTree(new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("the answer's body is not JSON: " + e.getMessage());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad JSON in the feature: " + json, e);
        }
    }

    private Object annotation(String key) {
        return answer.getMessageAnnotations() == null ? null : answer.getMessageAnnotations().getValue().get(Symbol.valueOf(key));
    }
}
