package dev.hubsim.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hubsim.c2d.FeedbackRecord;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.trace.TraceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's news for the console's live streams: one listener on each hub hook, fanned out to the browsers connected
 * now. With no browser connected a hook costs one emptiness check. Events are JSON objects with a {@code type}:
 * {@code telemetry}, {@code feedback}, {@code trace} (records of the connection a browser watches), {@code twin} (which
 * twin changed), and the bare
 * {@code connections} and {@code devices} notices that tell a browser to fetch those lists again.
 */
public final class ConsoleFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** One browser's stream. */
    interface Subscriber {
        /** The connection whose trace records it wants, or null. */
        String watchedConnection();

        void send(String json);

        /** A notice ({@code connections}, {@code devices}) coalesced with others of its kind. */
        void notice(String type);
    }

    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private final AtomicBoolean bound = new AtomicBoolean();

    /** Hooks onto the running hub; once. */
    public void bind(HubEvents hub) {
        if (!bound.compareAndSet(false, true)) {
            return;
        }
        hub.onTrace(this::trace, () -> !subscribers.isEmpty());
        hub.onConnectionsChanged(() -> notice("connections", true));
        hub.onRegistryChanged(() -> notice("devices", false));
        hub.onTelemetry(this::telemetry);
        hub.onFeedback(this::feedback);
        hub.onTwinChanged(this::twin);
    }

    void add(Subscriber s) {
        subscribers.add(s);
    }

    void remove(Subscriber s) {
        subscribers.remove(s);
    }

    private void notice(String type, boolean devicesToo) {
        for (Subscriber s : subscribers) {
            s.notice(type);
            if (devicesToo) {
                s.notice("devices");
            }
        }
    }

    private void trace(TraceRecord r) {
        if (subscribers.isEmpty()) {
            return;
        }
        String json = null;
        boolean changesConnection = switch (r.type()) {
            case TRANSFER, DISPOSITION, EMPTY, MQTT_PUBLISH, MQTT_PUBACK, MQTT_PINGREQ, MQTT_PINGRESP -> false;
            default -> true;
        };
        for (Subscriber s : subscribers) {
            if (r.connectionId().equals(s.watchedConnection())) {
                if (json == null) {
                    json = write(JSON.createObjectNode().put("type", "trace").set("record", JSON.valueToTree(r)));
                }
                s.send(json);
            }
            if (changesConnection) {
                s.notice("connections");
            }
        }
    }

    private void telemetry(StoredEvent event) {
        if (subscribers.isEmpty()) {
            return;
        }
        ObjectNode n = TelemetryJson.of(JSON, event);
        n.put("type", "telemetry");
        String json = write(n);
        subscribers.forEach(s -> s.send(json));
    }

    private void feedback(List<FeedbackRecord> records) {
        if (subscribers.isEmpty()) {
            return;
        }
        ObjectNode n = JSON.createObjectNode().put("type", "feedback");
        n.set("records", JSON.valueToTree(records));
        String json = write(n);
        subscribers.forEach(s -> s.send(json));
    }

    private void twin(String key) {
        if (subscribers.isEmpty()) {
            return;
        }
        String json = write(JSON.createObjectNode().put("type", "twin").put("twin", key));
        subscribers.forEach(s -> s.send(json));
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("console event not serialisable: {}", e.getMessage());
            return "{\"type\":\"error\"}";
        }
    }
}
