package dev.hubsim.trace;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every connection's trace: the faces open and close them ({@link ConnectionLog}), tests read them through
 * {@link TraceView}. Live connections are all kept; of closed ones, the most recent
 * {@code closedKept}. Queries filter by client identity, link path and frame type, across connections, in order.
 */
public final class Traces implements TraceView {
    private final int recordsPerConnection;
    private final int closedKept;
    private final boolean enabled;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, ConnectionLog> traces = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public Traces(boolean enabled, int recordsPerConnection, int closedKept, Clock clock) {
        this.enabled = enabled;
        this.recordsPerConnection = recordsPerConnection;
        this.closedKept = closedKept;
        this.clock = clock;
    }

    /** Whether frames are recorded (CBS, faults and violations are recorded either way). */
    public boolean framesEnabled() {
        return enabled;
    }

    public synchronized ConnectionLog open(String remoteAddress) {
        String id = "c" + ids.incrementAndGet();
        ConnectionLog trace = new ConnectionLog(id, remoteAddress, recordsPerConnection, sequence, clock, listeners);
        traces.put(id, trace);
        return trace;
    }

    public synchronized void closed(ConnectionLog trace) {
        trace.closed();
        List<String> closedIds = traces.values().stream().filter(t -> !t.isOpen()).map(ConnectionTrace::connectionId).toList();
        for (int i = 0; i < closedIds.size() - closedKept; i++) {
            traces.remove(closedIds.get(i));
        }
    }

    /**
     * Called with every record as it is written, on the writing thread and under the connection's trace lock: a
     * listener only hands the record on (the console's live stream), it never blocks.
     */
    public void addListener(Consumer<TraceRecord> listener) {
        addListener(listener, () -> true);
    }

    /**
     * As {@link #addListener(Consumer)}, for a listener that often wants nothing (the console with no browser
     * watching): records are kept compact and expanded for it only while {@code wanted} says so.
     */
    public void addListener(Consumer<TraceRecord> listener, BooleanSupplier wanted) {
        listeners.add(new Listener(listener, wanted));
    }

    record Listener(Consumer<TraceRecord> listener, BooleanSupplier wanted) {
    }

    @Override
    public synchronized List<ConnectionTrace> connections() {
        return List.copyOf(traces.values());
    }

    @Override
    public synchronized Optional<ConnectionTrace> connection(String connectionId) {
        return Optional.ofNullable(traces.get(connectionId));
    }

    @Override
    public Query query() {
        return new Query();
    }

    /** Forget everything recorded so far (live connections keep tracing). */
    public synchronized void clear() {
        traces.values().removeIf(t -> !t.isOpen());
    }

    /** A filter over all recorded records; conditions combine with AND. */
    public final class Query {
        private Predicate<ConnectionTrace> connection = t -> true;
        private Predicate<TraceRecord> record = r -> true;

        /** Connections that used this identity: a SASL user name, a device ID or a policy name they hold a claim for. */
        public Query identity(String identity) {
            connection = connection.and(t -> t.identities().contains(identity));
            return this;
        }

        public Query connection(String connectionId) {
            connection = connection.and(t -> t.connectionId().equals(connectionId));
            return this;
        }

        /** Records of links whose address ends with this path, compared case-insensitively. */
        public Query path(String path) {
            String wanted = path.toLowerCase(java.util.Locale.ROOT);
            record = record.and(r -> r.path() != null && r.path().toLowerCase(java.util.Locale.ROOT).endsWith(wanted));
            return this;
        }

        public Query type(TraceRecord.FrameType... types) {
            List<TraceRecord.FrameType> wanted = List.of(types);
            record = record.and(r -> wanted.contains(r.type()));
            return this;
        }

        public Query direction(TraceRecord.Direction direction) {
            record = record.and(r -> r.direction() == direction);
            return this;
        }

        public Query where(Predicate<TraceRecord> condition) {
            record = record.and(condition);
            return this;
        }

        public List<TraceRecord> list() {
            List<TraceRecord> out = new ArrayList<>();
            for (ConnectionTrace t : connections()) {
                if (connection.test(t)) {
                    t.records().stream().filter(record).forEach(out::add);
                }
            }
            out.sort(Comparator.comparingLong(TraceRecord::sequence));
            return out;
        }

        public Optional<TraceRecord> first() {
            return list().stream().findFirst();
        }
    }
}
