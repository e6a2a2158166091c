package dev.hubsim.conformance.client;

import org.apache.qpid.proton.message.Message;

import java.util.List;
import java.util.Map;

/**
 * What the client kit needs of the hub the judged client talks to: addresses and credentials, the hub's protocol
 * trace (frames as the broker saw them), the telemetry it stored, and credit control of the client's sending links.
 * The embedded simulator implements it in the kit's tests; the kit never sees the simulator's own types.
 */
public interface HubSide {
    /**
     * One frame or note of the hub's trace. {@code direction} is IN (from the client), OUT (to it) or LOCAL; {@code channel}
     * is the AMQP channel as the sender of the frame numbered it, or -1.
     */
    record WireFrame(long sequence, java.time.Instant time, String connectionId, String direction, String type, int channel, String path,
                     Map<String, Object> fields) {
        public String text() {
            return sequence + " " + connectionId + " " + ("IN".equals(direction) ? "<-" : "OUT".equals(direction) ? "->" : "**")
                    + " " + type + (channel >= 0 ? " [" + channel + "]" : "") + (path != null ? " " + path : "")
                    + (fields.isEmpty() ? "" : " " + fields);
        }
    }

    String hubName();

    String hostName();

    /** {@code amqps://127.0.0.1:port} */
    String amqpsUrl();

    /** The hub's CA as PEM, for the adapter's trust. */
    String caPem();

    String deviceToken(String deviceId);

    /** {@code HostName=...;DeviceId=...;SharedAccessKey=...} for SDK-style clients. */
    String deviceConnectionString(String deviceId);

    /** The sequence number the next trace record will have at least: frames after it belong to what follows. */
    long mark();

    /** Every trace record since {@code mark}, in order. */
    List<WireFrame> framesSince(long mark);

    /** Telemetry the hub stored for the device, oldest first. */
    List<Message> telemetry(String deviceId);

    /** Grants {@code credit} more to the client sending links to {@code path} on the connection. */
    void grantCredit(String connectionId, String path, int credit);

    /** Queues a cloud-to-device message for the device, with one application property (a long or a string). */
    void sendCloudToDevice(String deviceId, String body, String property, Object value);

    /** The hub answers the device's Begins and Attaches this much later, until {@link #clearFaults()}. */
    void holdAnswers(String deviceId, java.time.Duration delay);

    /** Forgets the faults a scenario set. */
    void clearFaults();

    /** Removes the device's queued cloud-to-device messages (a scenario's leftovers). */
    void purgeCloudToDevice(String deviceId);

    /** Whether the hub still holds the connection open. */
    boolean connectionOpen(String connectionId);
}
