package dev.hubsim.conformance.clientkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import dev.hubsim.conformance.client.AdapterChannel;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An adapter (protocol v1) around the real Azure IoT Java device SDK 2.5.0, in this JVM. The SDK does not implement the
 * imp API, so it declares only what it does: {@code deviceSdk} (open a device client from a connection string, send
 * telemetry, take cloud-to-device messages, which it completes) and {@code tokenRenewal}. The SDK connects to 5671.
 */
final class AzureDeviceSdkAdapter {
    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream out;
    private final Map<String, DeviceClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private String caPem;

    private AzureDeviceSdkAdapter(OutputStream out) {
        this.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    static AdapterChannel start() throws IOException {
        Pipe toAdapter = Pipe.open();
        Pipe fromAdapter = Pipe.open();
        AzureDeviceSdkAdapter adapter = new AzureDeviceSdkAdapter(Channels.newOutputStream(fromAdapter.sink()));
        InputStream in = Channels.newInputStream(toAdapter.source());
        Thread t = new Thread(() -> adapter.serve(in), "azure-device-sdk-adapter");
        t.setDaemon(true);
        t.start();
        return new AdapterChannel(Channels.newInputStream(fromAdapter.source()), Channels.newOutputStream(toAdapter.sink()), () -> { });
    }

    private void serve(InputStream in) {
        write(json.createObjectNode().put("type", "hello").put("protocol", "hubsim-imp-adapter").put("version", 1)
                .put("name", "Azure IoT device SDK for Java 2.5.0 (AMQPS)").set("capabilities", json.valueToTree(java.util.List.of("deviceSdk", "tokenRenewal"))));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode c = json.readTree(line);
                ObjectNode result = json.createObjectNode();
                try {
                    switch (c.path("op").asText()) {
                        case "configure" -> {
                            reset();
                            caPem = c.path("caPem").asText();
                        }
                        case "reset", "shutdown" -> reset();
                        case "deviceopen" -> open(c.path("object").asText(), c.path("connectionString").asText(), c.path("tokenSeconds").asLong(3600));
                        case "devicesend" -> send(c.path("object").asText(), c.path("transfer").asText(), c.path("body").asText(), c.path("properties"));
                        case "deviceclose" -> clients.remove(c.path("object").asText()).close();
                        default -> throw new IllegalArgumentException("unknown op '" + c.path("op").asText() + "'");
                    }
                    write(json.createObjectNode().put("type", "reply").put("id", c.path("id").asLong()).put("ok", true).set("result", result));
                } catch (Exception e) {
                    write(json.createObjectNode().put("type", "reply").put("id", c.path("id").asLong()).put("ok", false).put("error", String.valueOf(e.getMessage())));
                }
                if ("shutdown".equals(c.path("op").asText())) {
                    return;
                }
            }
        } catch (IOException e) {
            System.err.println("azure device sdk adapter: " + e);
        }
    }

    private void open(String object, String connectionString, long tokenSeconds) throws Exception {
        DeviceClient client = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(trust(caPem)).sasTokenExpiryTime((int) tokenSeconds).build());
        client.setMessageCallback((message, context) -> {
            ObjectNode e = json.createObjectNode().put("type", "event").put("event", "message").put("receiver", object)
                    .put("delivery", "d" + deliveries.incrementAndGet()).put("binary", false)
                    .put("body", new String(message.getBytes(), StandardCharsets.UTF_8));
            ObjectNode props = e.putObject("properties");
            for (MessageProperty p : message.getProperties()) {
                props.put(p.getName(), p.getValue());
            }
            write(e);
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(true);
        clients.put(object, client);
    }

    private void send(String object, String transfer, String body, JsonNode properties) {
        Message m = new Message(body);
        properties.fields().forEachRemaining(f -> m.setProperty(f.getKey(), f.getValue().asText()));
        clients.get(object).sendEventAsync(m, (sent, exception, context) -> write(json.createObjectNode().put("type", "event")
                .put("event", "sent").put("transfer", transfer).put("outcome", exception == null ? "accepted" : "rejected")
                .put("errorDetail", exception == null ? null : exception.getMessage())), null);
    }

    private void reset() {
        clients.values().forEach(DeviceClient::close);
        clients.clear();
    }

    private synchronized void write(JsonNode node) {
        out.println(node.toString());
    }

    private static SSLContext trust(String caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
