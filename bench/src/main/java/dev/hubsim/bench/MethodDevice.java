package dev.hubsim.bench;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device answering direct methods at once (reference/iothub-twin-methods-mqtt.md §2.1-§2.3): a receiver for the
 * requests and an unsettled sender for the answers, both with one {@code com.microsoft:channel-correlation-id}; each
 * request is accepted and answered with its correlation-id, {@code IoThub-status} 200 and a small JSON payload. On the
 * hub the pair is {@code /devices/{id}/methods/devicebound}; on stock Artemis a request queue and a reply queue.
 */
final class MethodDevice implements AutoCloseable {
    static final String METHOD_NAME = "IoThub-methodname";
    static final String STATUS = "IoThub-status";
    private static final byte[] ANSWER = "{\"result\":\"pong\",\"uptime\":12345}".getBytes(StandardCharsets.UTF_8);

    private final AmqpClient client;
    private final AtomicLong answered = new AtomicLong();
    private Sender answers;

    private MethodDevice(Bench bench, int port, String deviceId, String requests, String replies) throws Exception {
        client = AmqpClient.connect(bench.group, port, bench.tls, "ANONYMOUS", null, null, 0);
        client.opened.get(10, TimeUnit.SECONDS);
        if (deviceId != null) {
            client.putDeviceToken(bench.hub, deviceId);
        }
        String id = UUID.randomUUID().toString();
        Map<Symbol, Object> properties = Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "methods:" + id,
                Symbol.valueOf("com.microsoft:api-version"), "2020-09-30");
        CompletableFuture<Link> senderAttached = new CompletableFuture<>();
        CompletableFuture<Link> receiverAttached = new CompletableFuture<>();
        client.run(() -> {
            Session session = client.session();
            answers = Links.sender(session, "sender_link_methods-" + id, replies, properties, Links.attachWatcher(senderAttached, Delivery::settle));
            Links.receiver(session, "receiver_link_methods-" + id, Links.source(requests), properties, 100,
                    Links.attachWatcher(receiverAttached, this::onRequest));
        });
        senderAttached.get(10, TimeUnit.SECONDS);
        receiverAttached.get(10, TimeUnit.SECONDS);
    }

    /** The device on the hub, subscribed by attaching its method receiver. */
    static MethodDevice onHub(Bench bench, String deviceId) throws Exception {
        String address = "/devices/" + deviceId + "/methods/devicebound";
        return new MethodDevice(bench, bench.hub.amqpsPort(), deviceId, address, address);
    }

    /** The same device on stock Artemis' queues. */
    static MethodDevice onQueues(Bench bench, String requests, String replies) throws Exception {
        return new MethodDevice(bench, bench.bare.port(BareArtemis.TLS), null, requests, replies);
    }

    /** Event loop: accepts the request and answers it. */
    private void onRequest(Delivery delivery) {
        Message request = Links.read(delivery);
        if (request == null) {
            return;
        }
        Links.accept(delivery);
        ((Receiver) delivery.getLink()).flow(1);
        Message answer = Proton.message();
        Properties properties = new Properties();
        properties.setCorrelationId(request.getCorrelationId());
        answer.setProperties(properties);
        answer.setApplicationProperties(new ApplicationProperties(Map.of(STATUS, 200)));
        answer.setBody(new Data(new Binary(ANSWER)));
        client.send(answers, AmqpClient.encode(answer));
        answered.incrementAndGet();
    }

    long answered() {
        return answered.get();
    }

    @Override
    public void close() {
        client.close();
    }
}
