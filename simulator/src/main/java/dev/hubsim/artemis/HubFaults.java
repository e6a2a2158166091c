package dev.hubsim.artemis;

import dev.hubsim.faults.FaultPlan;
import dev.hubsim.faults.Faults;
import dev.hubsim.faults.Scope;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Faults} on the live connections of one simulator. */
public final class HubFaults implements Faults {
    private static final Symbol REDIRECT = Symbol.valueOf("amqp:link:redirect");

    private final HubConnections connections;
    private final FaultPlan plan;

    public HubFaults(HubConnections connections, FaultPlan plan) {
        this.connections = connections;
        this.plan = plan;
    }

    @Override
    public int dropConnections(Scope scope, boolean abrupt, Symbol condition, String description) {
        List<HubConnectionContext> hit = connections.matching(scope);
        hit.forEach(c -> c.drop(abrupt, new ErrorCondition(condition, description)));
        return hit.size();
    }

    @Override
    public int expireClaims(Scope scope) {
        List<HubConnectionContext> hit = connections.matching(scope);
        hit.forEach(c -> c.runLater(() -> {
            c.recordFault(null, Map.of("fault", "claims expired now"));
            c.expireAllClaims("was expired by fault injection");
        }));
        return hit.size();
    }

    @Override
    public void refuseNextAttaches(Scope scope, int count, Symbol condition, String description) {
        plan.attaches(scope, count, new FaultPlan.AttachFault(condition, description, null));
    }

    @Override
    public void redirectNextAttaches(Scope scope, int count, String hostname, String networkHost, int port, String address) {
        Map<Symbol, Object> info = new LinkedHashMap<>();
        info.put(Symbol.valueOf("hostname"), hostname);
        info.put(Symbol.valueOf("network-host"), networkHost);
        info.put(Symbol.valueOf("port"), port);
        info.put(Symbol.valueOf("address"), address);
        plan.attaches(scope, count, new FaultPlan.AttachFault(REDIRECT, "The link is redirected to " + address, info));
    }

    @Override
    public int setCredit(Scope scope, int credit) {
        return onCredits(scope, "credit set", credit, true);
    }

    @Override
    public int grantCredit(Scope scope, int credit) {
        return onCredits(scope, "credit granted", credit, false);
    }

    private int onCredits(Scope scope, String what, int credit, boolean set) {
        int links = 0;
        for (HubConnectionContext c : connections.matching(scope)) {
            links += c.onLoop(() -> {
                List<LinkCredit> targets = c.credits(scope);
                for (LinkCredit linkCredit : targets) {
                    if (set) {
                        linkCredit.setTo(credit);
                    } else {
                        linkCredit.grantMore(credit);
                    }
                }
                if (!targets.isEmpty()) {
                    c.recordFault(scope.path(), Map.of("fault", what, "credit", credit, "links", targets.size()));
                }
                return targets.size();
            });
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
    public void rejectNextTransfers(Scope scope, int count, Symbol condition, String description) {
        plan.transfers(scope, count, new FaultPlan.TransferFault(condition, description));
    }

    @Override
    public void holdAnswers(Scope scope, Duration delay) {
        plan.holdAnswers(scope, delay);
    }

    @Override
    public void clear() {
        plan.clear();
    }
}
