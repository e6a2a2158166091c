package dev.hubsim.faults;

import dev.hubsim.connections.Connections;
import dev.hubsim.connections.HubConnection;
import dev.hubsim.errors.Condition;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Throttling;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Faults} on the live connections of one simulator, whatever their face. Conditions may also be given by wire
 * name, for the control API, which takes any condition a test names.
 */
public final class HubFaults implements Faults {
    private final Connections connections;
    private final FaultPlan plan;
    private final Throttling throttling;

    public HubFaults(Connections connections, FaultPlan plan, Throttling throttling) {
        this.connections = connections;
        this.plan = plan;
        this.throttling = throttling;
    }

    public FaultPlan plan() {
        return plan;
    }

    private List<HubConnection> matching(Scope scope) {
        return connections.matching(c -> scope.matchesConnection(c.id(), c.identities()));
    }

    @Override
    public int resetConnections(Scope scope) {
        List<HubConnection> hit = matching(scope);
        hit.forEach(HubConnection::reset);
        return hit.size();
    }

    @Override
    public int closeConnections(Scope scope, Condition condition, String description) {
        return closeConnections(scope, condition.wireName(), description);
    }

    public int closeConnections(Scope scope, String condition, String description) {
        List<HubConnection> hit = matching(scope);
        hit.forEach(c -> c.close(condition, description));
        return hit.size();
    }

    @Override
    public int expireClaims(Scope scope) {
        List<HubConnection> hit = matching(scope);
        hit.forEach(c -> c.expireClaims("was expired by fault injection"));
        return hit.size();
    }

    @Override
    public void refuseNextAttaches(Scope scope, int count, Condition condition, String description) {
        refuseNextAttaches(scope, count, condition.wireName(), description);
    }

    public void refuseNextAttaches(Scope scope, int count, String condition, String description) {
        plan.attaches(scope, count, new FaultPlan.AttachFault(condition, description, null));
    }

    @Override
    public void redirectNextAttaches(Scope scope, int count, String hostname, String networkHost, int port, String address) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("hostname", hostname);
        info.put("network-host", networkHost);
        info.put("port", port);
        info.put("address", address);
        plan.attaches(scope, count, new FaultPlan.AttachFault(Condition.LINK_REDIRECT.wireName(), "The link is redirected to " + address, info));
    }

    @Override
    public int setCredit(Scope scope, int credit) {
        return changeCredit(scope, credit, true);
    }

    @Override
    public int grantCredit(Scope scope, int credit) {
        return changeCredit(scope, credit, false);
    }

    private int changeCredit(Scope scope, int credit, boolean set) {
        int links = 0;
        for (HubConnection c : matching(scope)) {
            links += c.changeCredit(scope::matchesPath, scope.path(), credit, set);
        }
        return links;
    }

    @Override
    public void delayCbsReplies(Scope scope, Duration delay) {
        plan.delayCbsReplies(scope, delay);
    }

    @Override
    public void dropCbsReplies(Scope scope, int count) {
        plan.dropCbsReplies(scope, count);
    }

    @Override
    public void delayDispositions(Scope scope, Duration delay) {
        plan.delayDispositions(scope, delay);
    }

    @Override
    public void rejectNextTransfers(Scope scope, int count, Condition condition, String description) {
        rejectNextTransfers(scope, count, condition.wireName(), description);
    }

    public void rejectNextTransfers(Scope scope, int count, String condition, String description) {
        plan.transfers(scope, count, new FaultPlan.TransferFault(condition, description));
    }

    @Override
    public void holdAnswers(Scope scope, Duration delay) {
        plan.holdAnswers(scope, delay);
    }

    @Override
    public void throttleNext(String deviceId, Operation operation, int count) {
        throttling.throttleNext(deviceId, operation, count);
    }

    @Override
    public void exhaustDailyQuota() {
        throttling.exhaustDailyQuota();
    }

    @Override
    public void clear() {
        plan.clear();
        throttling.clearFaults();
    }
}
