package dev.hubsim.artemis;

import dev.hubsim.events.RecordedTelemetry;
import dev.hubsim.events.TelemetryAnnotations;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPMessage;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.message.Message;

import java.util.ArrayList;
import java.util.List;

/** Reads the stored telemetry back from the broker's telemetry queue, oldest first, without consuming it. */
public final class TelemetryLog {
    private static final Symbol DEVICE_ID = Symbol.valueOf(TelemetryAnnotations.CONNECTION_DEVICE_ID);

    private final ActiveMQServer server;

    TelemetryLog(ActiveMQServer server) {
        this.server = server;
    }

    /** Every stored telemetry message, or those of one device when {@code deviceId} is not null. */
    public List<RecordedTelemetry> messages(String deviceId) {
        Queue queue = server.locateQueue(BrokerAddresses.TELEMETRY);
        List<RecordedTelemetry> out = new ArrayList<>();
        if (queue == null) {
            return out;
        }
        try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
            while (it.hasNext()) {
                if (!(it.next().getMessage() instanceof AMQPMessage stored)) {
                    continue;
                }
                Message message = Proton.message();
                message.decode(stored.getSendBuffer(1, null));
                Object device = message.getMessageAnnotations() == null ? null : message.getMessageAnnotations().getValue().get(DEVICE_ID);
                if (deviceId == null || deviceId.equals(device)) {
                    out.add(new RecordedTelemetry(String.valueOf(device), message));
                }
            }
        }
        return out;
    }

    /** Forgets every stored telemetry message. */
    public void clear() {
        Queue queue = server.locateQueue(BrokerAddresses.TELEMETRY);
        if (queue != null) {
            try {
                queue.deleteAllReferences();
            } catch (Exception e) {
                throw new IllegalStateException("the telemetry queue could not be emptied", e);
            }
        }
    }

    public long count() {
        Queue queue = server.locateQueue(BrokerAddresses.TELEMETRY);
        return queue == null ? 0 : queue.getMessageCount();
    }
}
