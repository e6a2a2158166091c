package dev.hubsim.conformance.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.conformance.probe.CbsProbe;
import dev.hubsim.conformance.probe.ConnectionString;
import dev.hubsim.conformance.probe.Endpoint;
import dev.hubsim.conformance.probe.EventHubProbe;
import dev.hubsim.conformance.probe.ProbeConnection;
import dev.hubsim.conformance.probe.ProbeConnection.LinkOutcome;
import dev.hubsim.conformance.probe.ProbeConnection.Received;
import dev.hubsim.conformance.probe.SaslChoice;
import dev.hubsim.conformance.probe.SasTokens;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.conformance.target.SimulatorControl;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's view of the hub: the probe connections of its actors ("device1", "the service", "a client"), what
 * they sent and what came back, and the checks. Step definitions call one method each.
 */
public final class HubWorld {
    public static final String SERVICE = "the service";
    public static final String CLIENT = "a client";
    private static final Pattern DEVICE = Pattern.compile("device(\\d+)");
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubTarget target;
    private final List<String> statementIds;
    private final Map<String, ProbeConnection> connections = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, CbsProbe> cbs = new HashMap<>();
    private final Map<String, Receiver> receivers = new HashMap<>();
    private final List<ProbeConnection> extraConnections = new ArrayList<>();
    private final Set<Object> sentThisScenario = new HashSet<>();
    private String currentActor;
    private Sasl.SaslOutcome saslOutcome;
    private Sender sender;
    private LinkOutcome attach;
    private Delivery delivery;
    private DeliveryState outcome;
    private Object requestMessageId;
    private CbsProbe.Reply reply;
    private Message sentC2d;
    private Message laterC2d;
    private Delivery serviceDelivery;
    private Received received;
    private Message feedback;
    private Message sentTelemetry;
    private EventHubProbe eventHub;
    private Map<String, Long> notedSequenceNumbers;
    private ProbeConnection lastExtra;
    private Session lastSession;
    private final Verdicts verdicts;

    public HubWorld(HubTarget target, List<String> statementIds) {
        this.target = target;
        this.statementIds = statementIds;
        this.verdicts = new Verdicts(statementIds, this::evidence);
    }

    private String evidence() {
        ProbeConnection c = currentActor == null ? null : connections.get(currentActor);
        return c == null ? "(no connection)" : c.frames().tail(12);
    }

    // --- names ------------------------------------------------------------------------------------------------

    /** Replaces {device1}, {device2}, {hub}, {policy}, {host} with the target's names. */
    public String expand(String text) {
        String out = text;
        for (int i = 0; i < target.devices().size(); i++) {
            out = out.replace("{device" + (i + 1) + "}", target.devices().get(i).deviceId());
        }
        return out.replace("{hub}", target.hubName()).replace("{policy}", target.service().keyName())
                .replace("{host}", target.service().hostName());
    }

    private ConnectionString device(String actor) {
        Matcher m = DEVICE.matcher(actor);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a device actor: " + actor);
        }
        int index = Integer.parseInt(m.group(1)) - 1;
        if (index >= target.devices().size()) {
            throw new IllegalStateException("the target names " + target.devices().size() + " devices; the scenario needs " + actor);
        }
        return target.devices().get(index);
    }

    /** The audience a put-token names: "the hub" or a device's path under the hub's host. */
    public String audience(String who) {
        return who.equals("the hub") ? target.service().hostName() : target.service().hostName() + "/devices/" + device(who).deviceId();
    }

    /** A token as the Gherkin describes it: "a valid device1 token", "a device1 token with a forged signature", ... */
    public String token(String description) {
        Matcher valid = Pattern.compile("a valid (\\S+) token").matcher(description);
        Matcher forged = Pattern.compile("an? (\\S+) token with a forged signature").matcher(description);
        Matcher expired = Pattern.compile("an? (\\S+) token that expired (\\d+) minutes ago").matcher(description);
        if (valid.matches()) {
            return tokenFor(valid.group(1), Instant.now().plus(TOKEN_LIFETIME));
        }
        if (forged.matches()) {
            return tokenFor(forged.group(1), Instant.now().plus(TOKEN_LIFETIME)).replaceFirst("sig=[^&]+", "sig=" + "A".repeat(43) + "%3D");
        }
        if (expired.matches()) {
            return tokenFor(expired.group(1), Instant.now().minus(Duration.ofMinutes(Long.parseLong(expired.group(2)))));
        }
        throw new IllegalArgumentException("no such token description: " + description);
    }

    private String tokenFor(String who, Instant expiry) {
        return who.equals("service") ? SasTokens.policyToken(target.service(), expiry) : SasTokens.deviceToken(device(who), expiry);
    }

    // --- connections ------------------------------------------------------------------------------------------

    private ProbeConnection open(String actor, SaslChoice sasl) throws Exception {
        ProbeConnection connection = ProbeConnection.connect(target.endpoint(), sasl, "hubsim-specs-" + UUID.randomUUID());
        ProbeConnection previous = connections.put(actor, connection);
        if (previous != null) {
            previous.close();
        }
        currentActor = actor;
        return connection;
    }

    private ProbeConnection connection() {
        ProbeConnection c = connections.get(currentActor);
        if (c == null) {
            throw new IllegalStateException("no connection yet for " + currentActor);
        }
        return c;
    }

    private Session session() {
        return sessions.computeIfAbsent(currentActor, a -> connection().awaitSession());
    }

    public void connectPlain(String actor, String userName, String password) throws Exception {
        saslOutcome = open(actor, SaslChoice.plain(expand(userName), password)).awaitSaslOutcome();
    }

    public void connect(String actor, String mechanism) throws Exception {
        saslOutcome = open(actor, new SaslChoice(mechanism, null, null)).awaitSaslOutcome();
    }

    /** Connects with ANONYMOUS, attaches $cbs and puts the token; the reply must be 200 for the scenario to go on. */
    public void connectWithClaim(String actor, String tokenDescription) throws Exception {
        connect(actor, "ANONYMOUS");
        expectSaslOutcome("PN_SASL_OK");
        cbsAttached();
        putToken(actor.equals(SERVICE) ? "the hub" : actor, token(tokenDescription));
        expectStatus(200, null);
    }

    public void expectSaslOutcome(String expected) {
        verdicts.expectEqual("SASL outcome", expected, String.valueOf(saslOutcome));
    }

    public void expectConnectionOpen() {
        EndpointState state = connection().awaitOpen();
        verdicts.expectEqual("remote connection state", EndpointState.ACTIVE, state);
    }

    // --- CBS --------------------------------------------------------------------------------------------------

    public void cbsAttached() {
        CbsProbe probe = new CbsProbe(connection(), session());
        LinkOutcome out = probe.awaitAttached();
        verdicts.expect(out.attached(), "$cbs links attach", "attached", out);
        cbs.put(currentActor, probe);
    }

    private CbsProbe cbs() {
        if (!cbs.containsKey(currentActor)) {
            cbsAttached();
        }
        return cbs.get(currentActor);
    }

    public void putToken(String who, String token) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience(who)), token);
    }

    public void putTokenWithIdType(String who, String token, String type) {
        Object id = switch (type) {
            case "uuid" -> UUID.randomUUID();
            case "string" -> UUID.randomUUID().toString();
            case "ulong" -> UnsignedLong.valueOf(System.nanoTime() & Long.MAX_VALUE);
            default -> throw new IllegalArgumentException("message-id type " + type);
        };
        putTokenWithId(id, CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience(who)), token);
    }

    public void putTokenOfType(String who, String token, String type) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(type, audience(who)), token);
    }

    public void putTokenNamed(String name, String token) {
        putTokenWithId(UUID.randomUUID(), CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, expand(name)), token);
    }

    public void putTokenWithout(String who, String property) {
        Map<String, Object> props = CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience(who));
        props.remove(property);
        putTokenWithId(UUID.randomUUID(), props, token("a valid " + who + " token"));
    }

    public void putTokenWithNonStringBody(String who) {
        requestMessageId = UUID.randomUUID();
        reply = cbs().request(CbsProbe.putTokenRequest(requestMessageId, CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience(who)), 42));
    }

    private void putTokenWithId(Object id, Map<String, Object> props, Object body) {
        requestMessageId = id;
        reply = cbs().request(CbsProbe.putTokenRequest(id, props, body));
    }

    public void expectRequestOutcome(String outcome) {
        verdicts.expectEqual("outcome of the put-token request", outcome, outcomeName(reply.requestOutcome()));
    }

    /** The status-code's value; its AMQP type too when {@code type} is given (null: any integer type). */
    public void expectStatus(int status, String type) {
        Object observed = reply.statusCode();
        boolean integral = observed instanceof Number && !(observed instanceof Float || observed instanceof Double);
        boolean valueOk = integral && ((Number) observed).longValue() == status;
        boolean typeOk = type == null ? integral : Verdicts.amqpType(observed).equals(type);
        verdicts.expect(valueOk && typeOk, "reply status-code", status + (type == null ? "" : " (" + type + ")"),
                Verdicts.typed(observed) + ", status-description " + reply.statusDescription());
    }

    public void expectReplyProperty(String name, String value) {
        Object observed = name.equals("status-description") ? reply.statusDescription() : null;
        verdicts.expectEqual("reply " + name, value, observed);
    }

    public void expectCorrelationEchoes(String type) {
        verdicts.expect(requestMessageId.equals(reply.correlationId()) && Verdicts.amqpType(reply.correlationId()).equals(type),
                "reply correlation-id", Verdicts.typed(requestMessageId), Verdicts.typed(reply.correlationId()));
    }


    // --- links and telemetry ----------------------------------------------------------------------------------

    public void attachSender(String address) {
        sender = connection().sender(session(), "probe-sender-" + UUID.randomUUID(), expand(address));
        attach = connection().awaitAttach(sender);
    }

    public void expectAttached(String address) {
        attachSender(address);
        verdicts.expect(attach.attached(), "attach of " + expand(address), "attached", describe(attach));
    }

    public void expectRefused(String condition) {
        verdicts.expect(!attach.attached() && condition.equals(attach.condition()), "attach refusal", condition, describe(attach));
    }

    public void expectRefusedWithDescription(String condition, String prefix) {
        expectRefused(condition);
        verdicts.expect(attach.description() != null && attach.description().startsWith(prefix), "refusal description", prefix + "...", attach.description());
    }

    public void expectRefusalFraming() {
        verdicts.expect(attach.remoteTerminusNull() && !attach.attached(), "refusal framing",
                "attach with a null target, then a closing detach", describe(attach));
    }

    private static String describe(LinkOutcome out) {
        return out.attached() ? "attached" : "refused " + out.condition() + " '" + out.description() + "' (null terminus: " + out.remoteTerminusNull() + ")";
    }

    public void sendTelemetry(int bytes) {
        Message message = Proton.message();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(new Data(new Binary(new byte[bytes])));
        sentTelemetry = message;
        delivery = connection().send(sender, message);
        outcome = connection().awaitOutcome(delivery);
    }

    public void expectOutcome(String expected) {
        verdicts.expectEqual("outcome of the transfer", expected, outcomeName(outcome));
    }

    public void expectRejected(String condition) {
        String observed = outcome instanceof Rejected r && r.getError() != null ? String.valueOf(r.getError().getCondition()) : outcomeName(outcome);
        verdicts.expectEqual("Rejected condition of the transfer", condition, observed);
    }

    private static String outcomeName(DeliveryState state) {
        if (state == null) {
            return "no outcome";
        }
        if (state instanceof Rejected r && r.getError() != null) {
            return "Rejected " + r.getError().getCondition() + " '" + r.getError().getDescription() + "'";
        }
        return state.getClass().getSimpleName();
    }

    public void expectCreditAtLeast(int credit) {
        int observed = connection().awaitCredit(sender, credit);
        verdicts.expect(observed >= credit, "credit on the telemetry sender", ">= " + credit, observed);
    }

    public void expectCreditExactly(int credit) {
        int observed = connection().awaitCredit(sender, 1);
        verdicts.expectEqual("credit on the telemetry sender", credit, observed);
    }

    // --- cloud-to-device and feedback -------------------------------------------------------------------------

    public void receiverOn(String actor, String address) {
        currentActor = actor;
        Receiver receiver = connection().receiver(session(), "probe-receiver-" + UUID.randomUUID(), expand(address), 100);
        LinkOutcome out = connection().awaitAttach(receiver);
        verdicts.expect(out.attached(), "attach of a receiver on " + expand(address), "attached", describe(out));
        receivers.put(actor, receiver);
    }

    private Sender serviceSender() {
        String previous = currentActor;
        currentActor = SERVICE;
        if (serviceC2dSender == null) {
            Sender s = connection().sender(session(), "probe-c2d-" + UUID.randomUUID(), "/messages/devicebound");
            LinkOutcome out = connection().awaitAttach(s);
            verdicts.expect(out.attached(), "attach of the service's /messages/devicebound sender", "attached", describe(out));
            serviceC2dSender = s;
        }
        currentActor = previous;
        return serviceC2dSender;
    }

    private Sender serviceC2dSender;

    private Message c2dMessage(String to, int bodyBytes) {
        Message message = Proton.message();
        message.setMessageId(UUID.randomUUID().toString());
        if (to != null) {
            message.setAddress(to);
        }
        byte[] body = new byte[bodyBytes];
        byte[] marker = ("c2d " + message.getMessageId()).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, body, 0, Math.min(marker.length, body.length));
        message.setBody(new Data(new Binary(body)));
        message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>()));
        return message;
    }

    private String devicebound(String actor) {
        return "/devices/" + device(actor).deviceId() + "/messages/devicebound";
    }

    private void serviceSends(Message message) {
        ProbeConnection service = connections.get(SERVICE);
        serviceDelivery = service.send(serviceSender(), message);
        outcome = service.awaitOutcome(serviceDelivery);
        sentThisScenario.add(message.getMessageId());
    }

    public void sendC2d(String actor) {
        sentC2d = c2dMessage(devicebound(actor), 64);
        serviceSends(sentC2d);
    }

    public void sendC2dWithAck(String actor, String ack) {
        sentC2d = c2dMessage(devicebound(actor), 64);
        sentC2d.getApplicationProperties().getValue().put("iothub-ack", ack);
        serviceSends(sentC2d);
    }

    /** A message whose absolute-expiry-time has already passed when the hub gets it. */
    public void sendExpiredC2d(String actor) {
        sentC2d = c2dMessage(devicebound(actor), 64);
        sentC2d.setExpiryTime(0);
        org.apache.qpid.proton.amqp.messaging.Properties properties = sentC2d.getProperties() == null
                ? new org.apache.qpid.proton.amqp.messaging.Properties() : sentC2d.getProperties();
        properties.setAbsoluteExpiryTime(new java.util.Date(System.currentTimeMillis() - 1000));
        sentC2d.setProperties(properties);
        serviceSends(sentC2d);
    }

    /** Receives the sent message and releases it, {@code times} times over. */
    public void receiveAndRelease(String actor, int times) {
        for (int i = 0; i < times; i++) {
            receiveThat(actor);
            verdicts.expectEqual("message-id of delivery " + (i + 1), sentC2d.getMessageId(), received.message().getMessageId());
            settle(actor, "Released");
        }
    }

    public void sendAnotherC2d(String actor) {
        laterC2d = c2dMessage(devicebound(actor), 64);
        serviceSends(laterC2d);
    }

    public void sendC2dTo(String address) {
        serviceSends(c2dMessage(expand(address), 64));
    }

    public void sendC2dWithoutTo() {
        serviceSends(c2dMessage(null, 64));
    }

    public void sendC2dToUnknownDevice() {
        serviceSends(c2dMessage("/devices/no-such-device-" + UUID.randomUUID() + "/messages/devicebound", 64));
    }

    public void sendC2dWithAckValue(String ack) {
        Message message = c2dMessage(devicebound("device1"), 64);
        message.getApplicationProperties().getValue().put("iothub-ack", ack);
        serviceSends(message);
    }

    public void sendC2dOfSize(int bytes, String actor) {
        serviceSends(c2dMessage(devicebound(actor), bytes));
    }

    public void sendManyC2d(int count, String actor) {
        for (int i = 0; i < count; i++) {
            serviceSends(c2dMessage(devicebound(actor), 16));
            verdicts.expectEqual("outcome of cloud-to-device message " + (i + 1), "Accepted", outcomeName(outcome));
        }
    }

    /** Receives until the message the service sent arrives; leftovers of earlier scenarios are completed on the way. */
    public void receiveThat(String actor) {
        received = receiveUntil(actor, sentC2d.getMessageId());
    }

    private Received receiveUntil(String actor, Object messageId) {
        ProbeConnection device = connections.get(actor);
        Receiver receiver = receivers.get(actor);
        while (true) {
            Received r = device.awaitMessage(receiver);
            device.flow(receiver, 1);
            if (messageId.equals(r.message().getMessageId())) {
                return r;
            }
            if (!sentThisScenario.contains(r.message().getMessageId())) {
                device.settle(r, Accepted.getInstance());
                continue;
            }
            return r;
        }
    }

    public void settle(String actor, String outcomeName) {
        DeliveryState state = switch (outcomeName) {
            case "Accepted" -> Accepted.getInstance();
            case "Released" -> Released.getInstance();
            case "Rejected" -> new Rejected();
            case "Modified" -> new Modified();
            default -> throw new IllegalArgumentException(outcomeName);
        };
        connections.get(actor).settle(received, state);
    }

    public void expectNextIsLater(String actor) {
        Received next = receiveUntil(actor, laterC2d.getMessageId());
        connections.get(actor).settle(next, Accepted.getInstance());
        verdicts.expectEqual("message-id of the next message " + actor + " receives", laterC2d.getMessageId(), next.message().getMessageId());
    }

    public void expectServiceOutcome(String expected) {
        verdicts.expectEqual("outcome of the service's transfer", expected, outcomeName(outcome));
    }

    public void expectLockTokenTag() {
        Object lockToken = annotation("x-opt-lock-token");
        byte[] tag = received.deliveryTag();
        String observed = tag.length + " bytes " + (tag.length == 16 ? dotNetGuid(tag) : "");
        verdicts.expect(tag.length == 16 && String.valueOf(lockToken).equalsIgnoreCase(dotNetGuid(tag)),
                "delivery tag against x-opt-lock-token", "16 bytes " + lockToken, observed);
    }

    /** A .NET Guid's ToByteArray order: the first three fields little-endian, the last eight bytes as they are. */
    private static String dotNetGuid(byte[] tag) {
        ByteBuffer b = ByteBuffer.wrap(tag).order(ByteOrder.LITTLE_ENDIAN);
        int a = b.getInt();
        short c = b.getShort();
        short d = b.getShort();
        StringBuilder rest = new StringBuilder();
        for (int i = 8; i < 16; i++) {
            rest.append(String.format("%02x", tag[i]));
            if (i == 9) {
                rest.append('-');
            }
        }
        return String.format("%08x-%04x-%04x-", a, c & 0xffff, d & 0xffff) + rest;
    }

    private Object annotation(String key) {
        var annotations = received.message().getMessageAnnotations();
        return annotations == null ? null : annotations.getValue().get(org.apache.qpid.proton.amqp.Symbol.valueOf(key));
    }

    public void expectAnnotation(String key, Integer value, String type) {
        Object observed = annotation(key);
        boolean valueOk = value == null || String.valueOf(value).equals(String.valueOf(observed));
        verdicts.expect(valueOk && Verdicts.amqpType(observed).equals(type), "annotation " + key,
                (value == null ? "" : value + " ") + "(" + type + ")", Verdicts.typed(observed));
    }

    public void expectProperty(String name, String value) {
        Object observed = name.equals("to") ? received.message().getAddress() : null;
        verdicts.expectEqual("property " + name, expand(value), observed);
    }

    public void expectSameMessageAndBody() {
        verdicts.expectEqual("message-id", sentC2d.getMessageId(), received.message().getMessageId());
        verdicts.expectEqual("body", ((Data) sentC2d.getBody()).getValue(), ((Data) received.message().getBody()).getValue());
    }

    public void completeWaiting(String actor, int count) throws Exception {
        if (!connections.containsKey(actor)) {
            connectWithClaim(actor, "a valid " + actor + " token");
            receiverOn(actor, devicebound(actor));
        }
        ProbeConnection device = connections.get(actor);
        for (int i = 0; i < count; i++) {
            Received r = device.awaitMessage(receivers.get(actor));
            device.settle(r, Accepted.getInstance());
            device.flow(receivers.get(actor), 1);
        }
    }

    public void expectFeedback(String statusCode, String actor) throws Exception {
        ProbeConnection service = connections.get(SERVICE);
        Receiver receiver = receivers.get(SERVICE);
        String wanted = String.valueOf(sentC2d.getMessageId());
        while (true) {
            Received r = service.awaitMessage(receiver);
            service.settle(r, Accepted.getInstance());
            service.flow(receiver, 1);
            Binary body = ((Data) r.message().getBody()).getValue();
            JsonNode records = JSON.readTree(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8));
            for (JsonNode record : records) {
                if (wanted.equals(record.path("originalMessageId").asText())) {
                    feedback = r.message();
                    verdicts.expectEqual("feedback statusCode", statusCode, record.path("statusCode").asText());
                    verdicts.expectEqual("feedback deviceId", device(actor).deviceId(), record.path("deviceId").asText());
                    return;
                }
            }
        }
    }

    public void expectFeedbackMessageProperties(String contentType) {
        verdicts.expectEqual("feedback content-type", contentType, feedback.getContentType());
        Binary userId = feedback.getUserId() == null ? null : new Binary(feedback.getUserId());
        String observedUser = userId == null ? null : new String(userId.getArray(), StandardCharsets.UTF_8);
        verdicts.expectEqual("feedback user-id", target.hubName(), observedUser);
    }

    // --- redirect and the Event Hub-compatible endpoint ---------------------------------------------------------

    /** Attaches a receiver and keeps the outcome, whether it attached or was refused (a redirect is a refusal). */
    public void attachReceiver(String actor, String address) {
        currentActor = actor;
        Receiver receiver = connection().receiver(session(), "probe-receiver-" + UUID.randomUUID(), expand(address), 10);
        attach = connection().awaitAttach(receiver);
    }

    private Map<?, ?> refusalInfo() {
        return attach.error() == null || attach.error().getInfo() == null ? Map.of() : attach.error().getInfo();
    }

    private Object infoValue(String key) {
        return refusalInfo().get(org.apache.qpid.proton.amqp.Symbol.valueOf(key));
    }

    public void expectRefusalInfoKeys(List<String> keys) {
        List<String> missing = keys.stream().filter(k -> infoValue(k) == null).toList();
        verdicts.expect(missing.isEmpty(), "keys of the refusal's info map", keys + " (symbol keys)", refusalInfo() + ", missing " + missing);
    }

    public void expectRefusalInfoEndsWith(String key, String suffix) {
        Object value = infoValue(key);
        verdicts.expect(value != null && value.toString().endsWith(expand(suffix)), "refusal info " + key, "... " + expand(suffix), Verdicts.typed(value));
    }

    /**
     * Attaches to a hub events path, expects the redirect, and connects to the endpoint it names. The Event Hub name is
     * taken to be the hub's name, as the .NET sample does (reference/iothub-amqp.md §5.3), so a redirect without a
     * usable address still lets the endpoint be checked on its own.
     */
    public void followRedirect(String address) throws Exception {
        attachReceiver(SERVICE, address);
        expectRefused("amqp:link:redirect");
        Object host = infoValue("network-host");
        Object port = infoValue("port");
        Object hostName = infoValue("hostname");
        verdicts.expect(host != null && port instanceof Number && hostName != null, "where the redirect points",
                "network-host, port (a number) and hostname", refusalInfo());
        Endpoint endpoint = new Endpoint(host.toString(), ((Number) port).intValue(), target.endpoint().tls(), hostName.toString());
        eventHub = EventHubProbe.connect(endpoint, hostName.toString(), target.hubName(), target.service());
    }

    public void notePartitions() {
        notedSequenceNumbers = new LinkedHashMap<>();
        for (String id : eventHub.partitionIds()) {
            notedSequenceNumbers.put(id, eventHub.lastSequenceNumber(id));
        }
        verdicts.expect(!notedSequenceNumbers.isEmpty(), "partition_ids of the Event Hub", "at least one", notedSequenceNumbers);
    }

    /** Finds the partition the telemetry went to (the one whose last sequence number moved) and reads the message there. */
    public void readTelemetryFromEventHub(String consumerGroup) {
        Map<String, Long> grown = new LinkedHashMap<>();
        notedSequenceNumbers.forEach((id, before) -> {
            long now = eventHub.lastSequenceNumber(id);
            if (now != before) {
                grown.put(id, now);
            }
        });
        verdicts.expect(grown.size() == 1, "partitions whose last_enqueued_sequence_number moved after one telemetry message",
                "exactly one", grown + " (before: " + notedSequenceNumbers + ")");
        String partition = grown.keySet().iterator().next();
        Receiver receiver = eventHub.receiverAfter(expand(consumerGroup), partition, notedSequenceNumbers.get(partition), 10);
        received = eventHub.connection().awaitMessage(receiver);
        eventHub.connection().settle(received, Accepted.getInstance());
        verdicts.expectEqual("message-id of the first event after the noted sequence number", sentTelemetry.getMessageId(),
                received.message().getMessageId());
    }

    public void expectAnnotationText(String key, String value) {
        Object observed = annotation(key);
        verdicts.expect(observed instanceof String && observed.equals(expand(value)), "annotation " + key, expand(value) + " (string)", Verdicts.typed(observed));
    }

    // --- token lifecycle and limits ---------------------------------------------------------------------------

    public void expireClaims(String actor) {
        control().expireClaims(device(actor).deviceId());
    }

    private SimulatorControl control() {
        return target.control().orElseThrow(() -> new IllegalStateException("this scenario needs the simulator's control"));
    }

    public void expectLinkDetached(String condition, String prefix) {
        ErrorCondition error = connection().awaitDetached(sender);
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition()))
                && error.getDescription() != null && error.getDescription().startsWith(prefix), "detach error", condition + " '" + prefix + "...'", observed);
    }

    public void useImpProfile() {
        target = control().impProfileTarget();
    }

    public void openPlainConnections(String actor, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ProbeConnection c = openPlain(actor);
            EndpointState state = c.awaitOpen();
            verdicts.expectEqual("state of connection " + (i + 1), EndpointState.ACTIVE, state);
        }
        connections.put(actor, lastExtra);
        currentActor = actor;
    }

    private ProbeConnection openPlain(String actor) throws Exception {
        ProbeConnection c = ProbeConnection.connect(target.endpoint(),
                SaslChoice.plain(device(actor).deviceId() + "@sas." + target.hubName(), token("a valid " + actor + " token")),
                "hubsim-specs-" + UUID.randomUUID());
        extraConnections.add(c);
        lastExtra = c;
        return c;
    }

    public void openOneMore(String actor) throws Exception {
        openPlain(actor);
    }

    public void expectLastConnectionClosed(String condition, String description) {
        ErrorCondition error = lastExtra.awaitConnectionClosed();
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && description.equals(error.getDescription()),
                "Close error of the connection one too many", condition + " '" + description + "'", observed);
    }

    public void beginSessions(int count) {
        for (int i = 0; i < count; i++) {
            lastSession = connection().awaitSession();
        }
    }

    public void expectConnectionClosed(String condition, String prefix) {
        ErrorCondition error = connection().awaitConnectionClosed();
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && error.getDescription() != null
                && error.getDescription().startsWith(prefix), "Close error of the connection", condition + " '" + prefix + "...'", observed);
    }

    public void attachSenders(int count, String address) {
        for (int i = 0; i < count; i++) {
            attachSender(address);
            verdicts.expect(attach.attached(), "attach of sender " + (i + 1) + " to " + expand(address), "attached", describe(attach));
        }
    }

    public void expectLastSessionEnded(String condition, String description) {
        ErrorCondition error = connection().awaitSessionEnded(lastSession);
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && description.equals(error.getDescription()),
                "End error of the session one too many", condition + " '" + description + "'", observed);
    }

    /** Closes every connection the scenario opened. */
    public void close() {
        if (eventHub != null) {
            eventHub.close();
        }
        connections.values().forEach(ProbeConnection::close);
        extraConnections.forEach(ProbeConnection::close);
    }
}
