package dev.hubsim.connections;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** The live connections of every face of one simulator. Thread-safe. */
public final class Connections {
    private final Set<HubConnection> live = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void add(HubConnection connection) {
        live.add(connection);
        listeners.forEach(Runnable::run);
    }

    public void remove(HubConnection connection) {
        live.remove(connection);
        listeners.forEach(Runnable::run);
    }

    /** Called (on the connection's thread) when a connection comes or goes; a listener only hands the news on. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public List<HubConnection> matching(Predicate<HubConnection> filter) {
        return live.stream().filter(filter).toList();
    }

    /** True when a live connection holds a claim for or authenticated as this identity. */
    public boolean anyUsing(String identity) {
        return live.stream().anyMatch(c -> c.identities().contains(identity));
    }

    /**
     * A device was deleted or disabled: every claim for it is withdrawn, which detaches its links (and closes SASL PLAIN
     * connections), as an expired token would.
     */
    public void revokeDevice(String deviceId, String why) {
        live.forEach(c -> c.revokeDevice(deviceId, why));
    }

    /** A module was deleted: its claims are withdrawn on every connection. */
    public void revokeModule(String deviceId, String moduleId, String why) {
        live.forEach(c -> c.revokeModule(deviceId, moduleId, why));
    }

    /** Every live connection, ordered by id. */
    public List<ConnectionInfo> describe() {
        return live.stream().sorted(Comparator.comparing(HubConnection::id)).map(HubConnection::describe).toList();
    }

    public int count() {
        return live.size();
    }
}
