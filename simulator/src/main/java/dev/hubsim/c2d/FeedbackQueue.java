package dev.hubsim.c2d;


import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Feedback records batched into messages for {@code /messages/serviceBound/feedback}: a batch is sent when it holds
 * {@code feedbackBatchSize} records or {@code feedbackInterval} after its first record, whichever comes first
 * (reference/iothub-amqp.md §7.6). Messages wait here until a service receiver takes them; none is lost for want of a
 * receiver, up to {@code feedbackRetained} messages.
 */
public final class FeedbackQueue {

    /** A feedback message waiting for, or handed to, a service receiver. */
    public record Taken(UUID id, long storeId, byte[] encoded) {
    }

    private record Pending(long storeId, FeedbackRecord record) {
    }

    private final String hubName;
    private final C2dSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final C2dStore store;
    private final AtomicLong ids;
    private final FeedbackEncoder encoder;
    private final List<Pending> batch = new ArrayList<>();
    private final Deque<Taken> ready = new ArrayDeque<>();
    private final Map<UUID, Taken> taken = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<FeedbackRecord>>> batchListeners = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> flushTimer;
    private long dropped;

    FeedbackQueue(String hubName, C2dSettings settings, Clock clock, ScheduledExecutorService timer, C2dStore store, AtomicLong ids,
                  C2dStore.Recovered recovered, FeedbackEncoder encoder) {
        this.encoder = encoder;
        this.hubName = hubName;
        this.settings = settings;
        this.clock = clock;
        this.timer = timer;
        this.store = store;
        this.ids = ids;
        recovered.feedback().forEach(m -> ready.addLast(new Taken(UUID.randomUUID(), m.id(), m.encoded())));
        recovered.records().forEach(r -> batch.add(new Pending(r.id(), r.record())));
        if (!batch.isEmpty()) {
            flushTimer = timer.schedule(this::flush, settings.feedbackInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void add(FeedbackRecord record) {
        long id = ids.incrementAndGet();
        store.feedbackRecordAdded(id, record);
        addStored(id, record);
    }

    /** A record the store already holds (written with the change that produced it) joins the next batch. */
    void addStored(long id, FeedbackRecord record) {
        boolean flushed;
        synchronized (this) {
            batch.add(new Pending(id, record));
            if (batch.size() >= settings.feedbackBatchSize()) {
                flushLocked();
                flushed = true;
            } else {
                if (flushTimer == null) {
                    flushTimer = timer.schedule(this::flush, settings.feedbackInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
                flushed = false;
            }
        }
        if (flushed) {
            wake();
        }
    }

    /** Sends the partial batch now (the interval elapsed). */
    void flush() {
        synchronized (this) {
            if (batch.isEmpty()) {
                flushTimer = null;
                return;
            }
            flushLocked();
        }
        wake();
    }

    private void flushLocked() {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        UUID id = UUID.randomUUID();
        Taken message = new Taken(id, ids.incrementAndGet(), encoder.encode(id, hubName, batch.stream().map(Pending::record).toList(), clock.instant()));
        store.feedbackBatched(batch.stream().map(Pending::storeId).toList(), message.storeId(), message.encoded());
        List<FeedbackRecord> records = batch.stream().map(Pending::record).toList();
        batchListeners.forEach(l -> l.accept(records));
        ready.addLast(message);
        batch.clear();
        while (ready.size() > settings.feedbackRetained()) {
            store.feedbackMessageRemoved(ready.removeFirst().storeId());
            dropped++;
        }
    }

    /** The next feedback message for a receiver, or null. */
    public synchronized Taken take() {
        Taken next = ready.pollFirst();
        if (next != null) {
            taken.put(next.id(), next);
        }
        return next;
    }

    /** The service completed it (Accepted): gone. Also used for Rejected, which the hub treats as dead-lettering. */
    public synchronized void complete(UUID id) {
        Taken done = taken.remove(id);
        if (done != null) {
            store.feedbackMessageRemoved(done.storeId());
        }
    }

    /** The service abandoned it, or its link went away: it is offered again first. */
    public void abandon(UUID id) {
        synchronized (this) {
            Taken back = taken.remove(id);
            if (back == null) {
                return;
            }
            ready.addFirst(back);
        }
        wake();
    }

    synchronized void reset() {
        batch.forEach(p -> store.feedbackMessageRemoved(p.storeId()));
        batch.clear();
        ready.forEach(t -> store.feedbackMessageRemoved(t.storeId()));
        ready.clear();
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
    }

    public synchronized int waiting() {
        return ready.size();
    }

    public synchronized long dropped() {
        return dropped;
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Called with the records of each feedback message as it is made (under the queue's lock: hand them on, never block). */
    public void onBatch(Consumer<List<FeedbackRecord>> listener) {
        batchListeners.add(listener);
    }

    private void wake() {
        listeners.forEach(Runnable::run);
    }
}
