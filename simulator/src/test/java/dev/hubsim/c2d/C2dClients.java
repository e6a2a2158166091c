package dev.hubsim.c2d;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A service connection (C2D sender and feedback receiver) and device connections on one simulator, for C2D tests. */
final class C2dClients implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSimulator hub;
    final AmqpTestClient service;
    final Sender outbox;
    private Receiver feedback;
    private final Map<String, JsonNode> feedbackSeen = new HashMap<>();
    private final Map<String, AmqpTestClient> devices = new HashMap<>();

    C2dClients(HubSimulator hub) throws Exception {
        this.hub = hub;
        this.service = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
        new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
        this.outbox = service.sender(service.session(), "sender", "/messages/devicebound");
    }

    static Message c2d(String deviceId, String messageId, String ack, String body) {
        Message m = Proton.message();
        m.setMessageId(messageId);
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        if (ack != null) {
            m.setApplicationProperties(new ApplicationProperties(new HashMap<>(Map.of("iothub-ack", ack))));
        }
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }

    DeliveryState send(Message message) {
        return service.send(outbox, message);
    }

    /** A device connection with its claim and a receiver on its device-bound path. */
    Receiver deviceInbox(String deviceId, int credit) throws Exception {
        AmqpTestClient device = devices.get(deviceId);
        if (device == null) {
            device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen();
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/" + deviceId, hub.deviceToken(deviceId, Duration.ofHours(1)));
            devices.put(deviceId, device);
        }
        return device.receiver(device.session(), "c2d-" + UUID.randomUUID(), "/devices/" + deviceId + "/messages/devicebound", credit);
    }

    AmqpTestClient device(String deviceId) {
        return devices.get(deviceId);
    }

    Receiver feedbackReceiver(String address) {
        feedback = service.receiver(service.session(), "feedback", address, 10);
        return feedback;
    }

    /** Reads feedback messages until one carries a record for this message id; returns that record. */
    JsonNode awaitFeedbackFor(String originalMessageId) throws Exception {
        if (feedback == null) {
            feedbackReceiver("/messages/serviceBound/feedback");
        }
        while (!feedbackSeen.containsKey(originalMessageId)) {
            Message batch = service.receive(feedback);
            for (JsonNode record : JSON.readTree(((Data) batch.getBody()).getValue().getArray())) {
                feedbackSeen.put(record.get("originalMessageId").asText(), record);
            }
        }
        return feedbackSeen.get(originalMessageId);
    }

    /** The next whole feedback message. */
    Message nextFeedbackMessage() {
        if (feedback == null) {
            feedbackReceiver("/messages/serviceBound/feedback");
        }
        return service.receive(feedback);
    }

    boolean feedbackSeen(String originalMessageId) {
        return feedbackSeen.containsKey(originalMessageId);
    }

    @Override
    public void close() {
        devices.values().forEach(AmqpTestClient::close);
        service.close();
    }
}
