package dev.hubsim.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The trace of one connection as the faces write it: records in order, at most {@code capacity} of them (the oldest go
 * first, and are counted), and the identities it used (SASL user, devices and policies it holds claims for). Users
 * read it as a {@link ConnectionTrace}.
 */
public final class ConnectionLog implements ConnectionTrace {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final String connectionId;
    private final String remoteAddress;
    private final int capacity;
    private final AtomicLong sequence;
    private final Clock clock;
    private final Deque<Recorded> records = new ArrayDeque<>();
    private final Set<String> identities = new LinkedHashSet<>();
    /** An immutable copy of {@link #identities}, made once per change: faults ask for it on every message. */
    private Set<String> identitiesCopy = Set.of();
    private long dropped;
    private final List<Traces.Listener> listeners;
    private volatile boolean open = true;

    ConnectionLog(String connectionId, String remoteAddress, int capacity, AtomicLong sequence, Clock clock, List<Traces.Listener> listeners) {
        this.listeners = listeners;
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
        this.capacity = capacity;
        this.sequence = sequence;
        this.clock = clock;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    void closed() {
        open = false;
    }

    /**
     * Records one thing seen. A connection keeps dozens of records for as long as it lives, so they are held compactly
     * (time as nanoseconds, fields as a key-value array, or the face's {@link FrameFields}) and expanded when read.
     */
    public synchronized void record(TraceRecord.Direction direction, TraceRecord.FrameType type, int channel, String path,
                                    Map<String, Object> fields) {
        add(direction, type, channel, path, fields.isEmpty() ? NO_FIELDS : new KeyValues(fields));
    }

    /** A frame whose fields the face keeps in its own compact form (the per-message frames). */
    public synchronized void record(TraceRecord.Direction direction, TraceRecord.FrameType type, int channel, String path, FrameFields fields) {
        add(direction, type, channel, path, fields);
    }

    private void add(TraceRecord.Direction direction, TraceRecord.FrameType type, int channel, String path, FrameFields fields) {
        java.time.Instant now = clock.instant();
        records.addLast(new Recorded(sequence.incrementAndGet(), now.getEpochSecond() * 1_000_000_000L + now.getNano(), direction, type,
                channel, path, fields));
        while (records.size() > capacity) {
            records.removeFirst();
            dropped++;
        }
        TraceRecord expanded = null;
        for (Traces.Listener listener : listeners) {
            if (listener.wanted().getAsBoolean()) {
                if (expanded == null) {
                    expanded = expanded(records.peekLast());
                }
                listener.listener().accept(expanded);
            }
        }
    }

    private static final FrameFields NO_FIELDS = Map::of;

    /** @param time epoch nanoseconds */
    private record Recorded(long sequence, long time, TraceRecord.Direction direction, TraceRecord.FrameType type, int channel,
                            String path, FrameFields fields) {
    }

    /** A field map as alternating keys and values, in its order. */
    private static final class KeyValues implements FrameFields {
        private final Object[] keyValues;

        KeyValues(Map<String, Object> fields) {
            keyValues = new Object[fields.size() * 2];
            int i = 0;
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                keyValues[i++] = e.getKey();
                keyValues[i++] = e.getValue();
            }
        }

        @Override
        public Map<String, Object> expand() {
            Map<String, Object> map = new java.util.LinkedHashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) {
                map.put((String) keyValues[i], keyValues[i + 1]);
            }
            return map;
        }
    }

    private TraceRecord expanded(Recorded r) {
        return new TraceRecord(r.sequence, java.time.Instant.ofEpochSecond(0, r.time), connectionId, r.direction, r.type, r.channel, r.path,
                r.fields.expand());
    }

    public synchronized void addIdentity(String identity) {
        if (identities.add(identity)) {
            identitiesCopy = Set.copyOf(identities);
        }
    }

    @Override
    public synchronized Set<String> identities() {
        return identitiesCopy;
    }

    @Override
    public synchronized List<TraceRecord> records() {
        return records.stream().map(this::expanded).toList();
    }

    /** Records dropped because the trace reached its capacity. */
    @Override
    public synchronized long dropped() {
        return dropped;
    }

    /** One JSON object per line, in order. */
    @Override
    public String toJsonLines() {
        return records().stream().map(r -> {
            try {
                return JSON.writeValueAsString(r);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining("\n", "", "\n"));
    }

    /** The readable sequence: a header line, then one line per record. */
    @Override
    public String toText() {
        return "connection " + connectionId + " from " + remoteAddress + " identities " + identities() + (dropped() > 0 ? " (" + dropped() + " older records dropped)" : "")
                + "\n" + records().stream().map(TraceRecord::toText).collect(Collectors.joining("\n", "", "\n"));
    }
}
