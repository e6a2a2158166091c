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

    /** True when a live connection holds a claim for or authenticated as this identity. */
    public boolean anyUsing(String identity) {
        return live.stream().anyMatch(c -> c.trace().identities().contains(identity));
    }

    /**
     * A device was deleted or disabled: every claim for it is withdrawn, which detaches its links with
     * {@code amqp:unauthorized-access} (and closes SASL PLAIN connections), as an expired token would.
     */
    public void revokeDevice(String deviceId, String why) {
        for (HubConnectionContext c : live) {
            c.runLater(() -> c.claims().all().stream().filter(claim -> deviceId.equals(claim.scope().deviceId()))
                    .forEach(claim -> c.expire(claim, why)));
        }
    }

    public List<java.util.Map<String, Object>> describe() {
        return live.stream().sorted(java.util.Comparator.comparing(HubConnectionContext::id)).map(HubConnectionContext::describe).toList();
    }

    public int count() {
        return live.size();
    }
}
