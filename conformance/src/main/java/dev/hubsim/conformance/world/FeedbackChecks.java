package dev.hubsim.conformance.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.Received;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivery feedback (reference/iothub-amqp.md §7.6) as the service reads it: records arrive in batches, in the order
 * the outcomes happened, so a record that must not come is looked for up to the record of a later sentinel message.
 */
public final class FeedbackChecks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HubWorld w;
    private final CloudToDeviceChecks c2d;
    private Message feedback;
    private JsonNode record;
    private Message sentinel;

    FeedbackChecks(HubWorld world, CloudToDeviceChecks c2d) {
        this.w = world;
        this.c2d = c2d;
    }

    /** The next feedback message's records (the message is settled Accepted). */
    private JsonNode nextBatch() throws IOException {
        ProbeConnection service = w.connection(HubWorld.SERVICE);
        Receiver receiver = w.receivers.get(HubWorld.SERVICE);
        Received r = service.awaitMessage(receiver);
        service.settle(r, Accepted.getInstance());
        service.flow(receiver, 1);
        feedback = r.message();
        Binary body = ((Data) r.message().getBody()).getValue();
        return JSON.readTree(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8));
    }

    public void expectRecord(String statusCode, String actor) throws IOException {
        String wanted = String.valueOf(c2d.sentC2d.getMessageId());
        while (true) {
            for (JsonNode r : nextBatch()) {
                if (wanted.equals(r.path("originalMessageId").asText())) {
                    record = r;
                    w.verdicts.expectEqual("feedback statusCode", statusCode, r.path("statusCode").asText());
                    w.verdicts.expectEqual("feedback deviceId", w.device(actor).deviceId(), r.path("deviceId").asText());
                    return;
                }
            }
        }
    }

    public void expectRecordFields(List<String> names) {
        List<String> missing = new ArrayList<>();
        names.forEach(n -> {
            if (!record.has(n)) {
                missing.add(n);
            }
        });
        w.verdicts.expect(missing.isEmpty(), "fields of the feedback record", names, record + ", missing " + missing);
    }

    public void expectMessageProperties(String contentType) {
        w.verdicts.expectEqual("feedback content-type", contentType, feedback.getContentType());
        Binary userId = feedback.getUserId() == null ? null : new Binary(feedback.getUserId());
        String observedUser = userId == null ? null : new String(userId.getArray(), StandardCharsets.UTF_8);
        w.verdicts.expectEqual("feedback user-id", w.target().hubName(), observedUser);
    }

    /** After the message under test, another that asks for full feedback and that the device completes. */
    public void sendSentinel(String ack, String actor) {
        Message underTest = c2d.sentC2d;
        c2d.sendWithAck(actor, ack);
        sentinel = c2d.sentC2d;
        c2d.receiveThat(actor);
        c2d.settle(actor, "Accepted");
        c2d.sentC2d = underTest;
    }

    /** Reads feedback up to the sentinel's record: none of it may be for the message under test. */
    public void expectNoRecordBeforeSentinel() throws IOException {
        String unwanted = String.valueOf(c2d.sentC2d.getMessageId());
        String sentinelId = String.valueOf(sentinel.getMessageId());
        while (true) {
            boolean sentinelSeen = false;
            for (JsonNode r : nextBatch()) {
                String id = r.path("originalMessageId").asText();
                w.verdicts.expect(!unwanted.equals(id), "feedback records up to the sentinel's", "none for message " + unwanted, r);
                sentinelSeen |= sentinelId.equals(id);
            }
            if (sentinelSeen) {
                return;
            }
        }
    }
}
