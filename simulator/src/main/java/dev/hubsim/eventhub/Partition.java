package dev.hubsim.eventhub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One partition of the Event Hub-compatible endpoint: an append-only log of events with contiguous sequence numbers,
 * trimmed from the front by retention (count and age). Thread-safe: devices append on their connection threads,
 * receivers read on theirs; readers are woken through listeners after each append.
 */
public final class Partition {
    /** Encodes the message once its position is known, so the stored bytes carry their own x-opt-* annotations. */
    @FunctionalInterface
    public interface Encoder {
        byte[] encode(long sequenceNumber, long offset, long enqueuedTime);
    }

    /** Runtime facts, as the {@code $management} node reports them. */
    public record RuntimeInfo(String partitionId, long beginSequenceNumber, long lastSequenceNumber, long lastOffset,
                              long lastEnqueuedTime, boolean empty) {
    }

    private final String id;
    private final EventHubSettings settings;
    private final Clock clock;
    private final PartitionJournal journal;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<StoredEvent>> appendListeners = new CopyOnWriteArrayList<>();

    private StoredEvent[] ring = new StoredEvent[16];
    private int head;
    private int size;
    private long nextSequence;
    private long nextOffset;
    private long retainedBytes;

    Partition(String id, EventHubSettings settings, Clock clock, PartitionJournal journal) {
        this.id = id;
        this.settings = settings;
        this.clock = clock;
        this.journal = journal;
        if (journal != null) {
            for (StoredEvent event : journal.replay()) {
                add(event);
                nextSequence = event.sequenceNumber() + 1;
                nextOffset = event.offset() + event.encoded().length;
            }
            trim();
        }
    }

    public String id() {
        return id;
    }

    /** Appends one device's message: picks its sequence number, offset and enqueued time, then stores its bytes. */
    public StoredEvent append(String deviceId, Encoder encoder) {
        StoredEvent event;
        synchronized (this) {
            long now = clock.millis();
            byte[] bytes = encoder.encode(nextSequence, nextOffset, now);
            event = new StoredEvent(nextSequence, nextOffset, now, deviceId, bytes);
            nextSequence++;
            nextOffset += bytes.length;
            add(event);
            if (journal != null) {
                journal.append(event);
            }
            trim();
        }
        listeners.forEach(Runnable::run);
        for (java.util.function.Consumer<StoredEvent> l : appendListeners) {
            l.accept(event);
        }
        return event;
    }

    /** The first retained sequence number at or after {@code sequenceNumber}; {@link #nextSequence()} when none yet. */
    public synchronized StoredEvent eventAtOrAfter(long sequenceNumber) {
        trim();
        if (size == 0 || sequenceNumber >= nextSequence) {
            return null;
        }
        long first = firstSequence();
        return get(Math.max(sequenceNumber, first) - first);
    }

    /** Where a reader with this start position begins: the sequence number of the first event it gets. */
    public synchronized long resolve(StartPosition position) {
        trim();
        long first = firstSequence();
        switch (position.kind()) {
            case START_OF_STREAM:
                return first;
            case END_OF_STREAM:
                return nextSequence;
            case SEQUENCE_NUMBER:
                return Math.max(first, position.inclusive() ? position.value() : position.value() + 1);
            case OFFSET:
                return firstMatching(e -> position.inclusive() ? e.offset() >= position.value() : e.offset() > position.value());
            case ENQUEUED_TIME:
                return firstMatching(e -> position.inclusive() ? e.enqueuedTime() >= position.value() : e.enqueuedTime() > position.value());
            default:
                throw new IllegalArgumentException(position.toString());
        }
    }

    /** Events are ordered by offset and enqueued time, so a binary search finds the first match. */
    private long firstMatching(java.util.function.Predicate<StoredEvent> matches) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (matches.test(get(mid))) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return firstSequence() + lo;
    }

    public synchronized long nextSequence() {
        return nextSequence;
    }

    public synchronized RuntimeInfo runtimeInfo() {
        trim();
        if (size == 0) {
            // Real Event Hubs reports an empty partition this way: nothing begun, nothing enqueued.
            return new RuntimeInfo(id, nextSequence, nextSequence - 1, nextOffset == 0 ? -1 : nextOffset, 0, true);
        }
        StoredEvent last = get(size - 1);
        return new RuntimeInfo(id, firstSequence(), last.sequenceNumber(), last.offset(), last.enqueuedTime(), false);
    }

    public synchronized List<StoredEvent> snapshot() {
        trim();
        List<StoredEvent> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }

    /** Bytes of message data this partition holds now. */
    public synchronized long retainedBytes() {
        return retainedBytes;
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Called with each event just stored, on the appending thread (the console's live stream hands it on). */
    public void onAppend(java.util.function.Consumer<StoredEvent> listener) {
        appendListeners.add(listener);
    }

    /** Drops events past retention: beyond the count, or older than the retention period. */
    public synchronized void trim() {
        long oldest = clock.millis() - settings.retention().toMillis();
        int dropped = 0;
        while (size > 0 && (size > settings.retainedEvents() || get(0).enqueuedTime() < oldest)) {
            retainedBytes -= ring[head].encoded().length;
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            dropped++;
        }
        if (dropped > 0 && journal != null) {
            journal.trimmed(dropped, this::snapshotUnlocked);
        }
    }

    /**
     * Forgets every retained event (a reset between tests); sequence numbers and offsets go on without reuse, as after
     * retention.
     */
    public synchronized void clear() {
        int dropped = size;
        java.util.Arrays.fill(ring, null);
        head = 0;
        size = 0;
        retainedBytes = 0;
        if (dropped > 0 && journal != null) {
            journal.trimmed(dropped, this::snapshotUnlocked);
        }
    }

    private List<StoredEvent> snapshotUnlocked() {
        List<StoredEvent> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    synchronized void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private long firstSequence() {
        return size == 0 ? nextSequence : ring[head].sequenceNumber();
    }

    private StoredEvent get(long index) {
        return ring[(int) ((head + index) % ring.length)];
    }

    private void add(StoredEvent event) {
        if (size == ring.length) {
            StoredEvent[] bigger = new StoredEvent[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = event;
        size++;
        retainedBytes += event.encoded().length;
    }
}
