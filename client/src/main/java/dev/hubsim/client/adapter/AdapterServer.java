package dev.hubsim.client.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hubsim.client.Amqp;
import dev.hubsim.client.AmqpConnection;
import dev.hubsim.client.AmqpDelivery;
import dev.hubsim.client.AmqpMessage;
import dev.hubsim.client.AmqpObject;
import dev.hubsim.client.AmqpSender;
import dev.hubsim.client.AmqpSession;
import dev.hubsim.client.AmqpTransfer;
import dev.hubsim.client.EventCallback;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The client-kit adapter protocol v2 (conformance/ADAPTER-PROTOCOL.md) over a pair of streams: commands in, one JSON
 * object per line; replies, events and deliveries out. It drives one {@link Amqp} agent, made by the factory once the
 * kit sent {@code configure} (so the kit's CA is trusted).
 */
public final class AdapterServer {
    public static final int VERSION = 2;
    public static final List<String> CAPABILITIES = List.of("impApi", "receiver", "binary");

    private final ObjectMapper json = new ObjectMapper();
    private final Function<SSLContext, Amqp> factory;
    private final String name;
    private final List<String> capabilities;
    private final PrintStream out;
    private final Map<String, Object> objects = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private Amqp amqp;

    public AdapterServer(String name, Function<SSLContext, Amqp> factory, OutputStream out) {
        this(name, CAPABILITIES, factory, out);
    }

    /** With the capabilities it declares in its hello (the kit's self-test declares none to see "no verdict"). */
    public AdapterServer(String name, List<String> capabilities, Function<SSLContext, Amqp> factory, OutputStream out) {
        this.name = name;
        this.capabilities = capabilities;
        this.factory = factory;
        this.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    /** Says hello, then serves commands until the input ends or {@code shutdown}; releases the agent at the end. */
    public void serve(InputStream in) throws IOException {
        ObjectNode hello = json.createObjectNode().put("type", "hello").put("protocol", "hubsim-imp-adapter")
                .put("version", VERSION).put("name", name);
        ArrayNode caps = hello.putArray("capabilities");
        capabilities.forEach(caps::add);
        write(hello);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode command = json.readTree(line);
                if ("shutdown".equals(command.path("op").asText())) {
                    reply(command, json.createObjectNode());
                    break;
                }
                handle(command);
            }
        } finally {
            if (amqp != null) {
                amqp.close();
            }
        }
    }

    private void handle(JsonNode c) {
        ObjectNode result = json.createObjectNode();
        try {
            String op = c.path("op").asText();
            switch (op) {
                case "configure" -> {
                    // A fresh agent per configure: the previous one (and its connections) is released first.
                    if (amqp != null) {
                        amqp.close();
                        objects.clear();
                    }
                    amqp = factory.apply(trust(c.path("caPem").asText(null)));
                }
                case "openconnection" -> put(c, agent().openConnection(c.path("url").asText(), callback(c.path("object").asText())));
                case "opensession" -> put(c, get(c, "connection", AmqpConnection.class).openSession(callbackFor(c)));
                case "opensender" -> put(c, get(c, "session", AmqpSession.class).openSender(c.path("path").asText(), callbackFor(c)));
                case "openreceiver" -> {
                    String receiver = c.path("object").asText();
                    put(c, get(c, "session", AmqpSession.class).openReceiver(c.path("path").asText(), callbackFor(c),
                            (m, d) -> message(receiver, m, d)));
                }
                case "createmessage" -> put(c, agent().createMessage(c.path("body").asText(), properties(c.path("properties"))));
                case "createbinarymessage" -> put(c, agent().createBinaryMessage(Base64.getDecoder().decode(c.path("body").asText()),
                        properties(c.path("properties"))));
                case "createtransfer" -> put(c, get(c, "sender", AmqpSender.class).createTransfer(get(c, "message", AmqpMessage.class)));
                case "sendasync" -> {
                    String transfer = c.path("transfer").asText();
                    get(c, "transfer", AmqpTransfer.class).sendAsync((outcome, detail) -> write(json.createObjectNode()
                            .put("type", "event").put("event", "sent").put("transfer", transfer).put("outcome", outcome)
                            .put("errorDetail", detail)));
                }
                case "isopen" -> result.put("open", get(c, "object", AmqpObject.class).isOpen());
                case "release" -> get(c, "object", AmqpObject.class).close(); // kept: the kit may still ask isopen
                case "reset" -> {
                    if (amqp != null) {
                        amqp.close();
                    }
                    amqp = null;
                    objects.clear();
                }
                case "accept" -> get(c, "delivery", AmqpDelivery.class).accept();
                case "reject" -> get(c, "delivery", AmqpDelivery.class).reject();
                case "releasedelivery" -> get(c, "delivery", AmqpDelivery.class).release();
                default -> throw new IllegalArgumentException("unknown op '" + op + "'");
            }
            reply(c, result);
        } catch (RuntimeException e) {
            write(json.createObjectNode().put("type", "reply").put("id", c.path("id").asLong()).put("ok", false)
                    .put("error", String.valueOf(e.getMessage())));
        }
    }

    private Amqp agent() {
        if (amqp == null) {
            throw new IllegalStateException("configure first");
        }
        return amqp;
    }

    private void put(JsonNode c, Object o) {
        objects.put(c.path("object").asText(), o);
    }

    private <T> T get(JsonNode c, String field, Class<T> type) {
        Object o = objects.get(c.path(field).asText());
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException("no " + field + " '" + c.path(field).asText() + "'");
        }
        return type.cast(o);
    }

    /** The object's own callback, or none when the command says {@code "callback": false} (protocol v2). */
    private EventCallback callbackFor(JsonNode c) {
        return c.path("callback").asBoolean(true) ? callback(c.path("object").asText()) : null;
    }

    /**
     * The callback registered for {@code owner}. The API hands a callback only (event, errorDetail): an event of another
     * kind than the owner's (a session's event heard by the connection's callback) concerns an object this adapter
     * cannot name, so its {@code object} is null; {@code callback} always names the owner (protocol v2).
     */
    private EventCallback callback(String owner) {
        return (event, detail) -> {
            AmqpObject o = (AmqpObject) objects.get(owner);
            boolean own = o == null || event.startsWith(o.kind() + "_");
            write(json.createObjectNode().put("type", "event").put("event", "callback")
                    .put("object", own ? owner : null).put("callback", owner).put("name", event).put("errorDetail", detail));
        };
    }

    private void message(String receiver, AmqpMessage m, AmqpDelivery d) {
        String id = "d" + deliveries.incrementAndGet();
        objects.put(id, d);
        ObjectNode e = json.createObjectNode().put("type", "event").put("event", "message").put("receiver", receiver)
                .put("delivery", id).put("binary", m.isBinary());
        e.put("body", m.isBinary() ? Base64.getEncoder().encodeToString(m.binaryBody()) : m.body());
        ObjectNode props = e.putObject("properties");
        m.properties().forEach((k, v) -> props.set(k, json.valueToTree(v instanceof Number || v instanceof Boolean ? v : String.valueOf(v))));
        write(e);
    }

    /** JSON property values as the API takes them: whole numbers as integers, others as floats, arrays and objects as is. */
    private Map<String, Object> properties(JsonNode node) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            Object value;
            if (v.isIntegralNumber()) {
                value = v.canConvertToInt() ? (Object) v.intValue() : v.longValue();
            } else if (v.isNumber()) {
                value = v.doubleValue();
            } else if (v.isBoolean()) {
                value = v.booleanValue();
            } else if (v.isTextual()) {
                value = v.textValue();
            } else {
                value = json.convertValue(v, Object.class); // lists and maps: the client converts them
            }
            props.put(f.getKey(), value);
        }
        return props;
    }

    private void reply(JsonNode c, ObjectNode result) {
        write(json.createObjectNode().put("type", "reply").put("id", c.path("id").asLong()).put("ok", true).set("result", result));
    }

    private synchronized void write(JsonNode node) {
        out.println(node.toString());
    }

    /** The kit's CA (PEM), or the JVM's default trust when none is given. */
    public static SSLContext trust(String caPem) {
        try {
            if (caPem == null || caPem.isBlank()) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
                store.setCertificateEntry("ca" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalArgumentException("bad CA: " + e.getMessage(), e);
        }
    }
}
