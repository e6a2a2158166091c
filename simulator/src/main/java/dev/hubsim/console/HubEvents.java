package dev.hubsim.console;

import dev.hubsim.c2d.FeedbackRecord;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.trace.TraceRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the console's live stream listens to on a running hub. Listeners run on the hub's own threads, often under a
 * lock: they hand the news on and never block.
 */
public interface HubEvents {
    /** Every trace record as it is written, while {@code wanted} says so (records are expanded only for a taker). */
    void onTrace(Consumer<TraceRecord> listener, java.util.function.BooleanSupplier wanted);

    /** A connection came or went. */
    void onConnectionsChanged(Runnable listener);

    /** A device was created, changed or deleted. */
    void onRegistryChanged(Runnable listener);

    /** Each telemetry event as it is stored. */
    void onTelemetry(Consumer<StoredEvent> listener);

    /** The records of each feedback message as the hub batches it for service receivers. */
    void onFeedback(Consumer<List<FeedbackRecord>> listener);

    /** A twin changed: its device ID, or {@code deviceId/moduleId} for a module's. */
    void onTwinChanged(Consumer<String> listener);
}
