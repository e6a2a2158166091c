package dev.hubsim;

import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.c2d.EnqueueResult;
import dev.hubsim.codec.C2dMessages;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Cloud-to-device messaging of a running simulator: queue depths, purge, sending as a service would, feedback waiting. */
public final class CloudToDeviceView {
    private final CloudToDevice c2d;

    CloudToDeviceView(CloudToDevice c2d) {
        this.c2d = c2d;
    }

    /** Lock timeout, delivery count, time to live and feedback timings in force. */
    public C2dSettings settings() {
        return c2d.settings();
    }

    /** Messages queued for the device, waiting or locked. */
    public int depth(String deviceId) {
        return c2d.depth(deviceId);
    }

    /** Empties the device's queue as the hub's purge does ({@code Purged} feedback where asked); returns how many went. */
    public int purge(String deviceId) {
        return c2d.purge(deviceId);
    }

    /**
     * Queues a message as a service sending on {@code /messages/devicebound} would: its {@code to} names the device, its
     * {@code iothub-ack} the feedback wanted. Returns its sequence number; a refusal (unknown device, full queue, ...)
     * is an IllegalArgumentException with the condition and description the hub would send.
     */
    public long send(Message message) {
        EnqueueResult result = c2d.enqueue(C2dMessages.of(message));
        if (result instanceof EnqueueResult.Refused refused) {
            throw new IllegalArgumentException(refused.condition().wireName() + ": " + refused.description());
        }
        return ((EnqueueResult.Enqueued) result).sequenceNumber();
    }

    /** Queues a message with this body (a data section) and application properties for the device. */
    public long send(String deviceId, byte[] body, Map<String, Object> applicationProperties) {
        Message m = Proton.message();
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(new Data(new Binary(body)));
        m.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(applicationProperties)));
        return send(m);
    }

    /** Feedback messages waiting for a service receiver. */
    public int feedbackWaiting() {
        return c2d.feedback().waiting();
    }

    /** Called (on the hub's threads) whenever a feedback message is ready for a service receiver. */
    public void onFeedback(Runnable listener) {
        c2d.feedback().addListener(listener);
    }
}
