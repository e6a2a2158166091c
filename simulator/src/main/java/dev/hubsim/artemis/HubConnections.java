package dev.hubsim.artemis;

import dev.hubsim.faults.Scope;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The live hub connections, for faults and inspection. */
public final class HubConnections {
    private final Set<HubConnectionContext> live = ConcurrentHashMap.newKeySet();

    void add(HubConnectionContext connection) {
        live.add(connection);
    }

    void remove(HubConnectionContext connection) {
        live.remove(connection);
    }

    List<HubConnectionContext> matching(Scope scope) {
        return live.stream().filter(c -> scope.matchesConnection(c.id(), c.trace().identities())).toList();
    }

    public int count() {
        return live.size();
    }
}
