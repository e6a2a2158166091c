package dev.hubsim.conformance.world;

import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.SaslChoice;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The imp profile's per-agent limits and message credit (seeds/imp-amqp-object.txt), and hubsim's own guards: counted
 * over a client's connections, sessions and links, at the limit and one over it.
 */
public final class LimitChecks {
    private final HubWorld w;
    private final List<org.apache.qpid.proton.engine.Sender> sendersAttached = new ArrayList<>();
    private final List<ProbeConnection> plainConnections = new ArrayList<>();
    private final List<Session> sessionsBegun = new ArrayList<>();
    private ProbeConnection lastExtra;
    private Session lastSession;
    private long spentAt;
    private int creditAfterSpend;

    LimitChecks(HubWorld world) {
        this.w = world;
    }

    public void useImpProfile() {
        w.switchTarget(w.control().impProfileTarget());
    }

    public void useClaimCapTarget() {
        w.switchTarget(w.control().claimCapTarget());
    }

    public void useQuotaExhaustedTarget() {
        w.switchTarget(w.control().quotaExhaustedTarget());
    }

    public void throttleNextSends(String actor, int count) {
        w.control().throttleNextSends(w.device(actor).deviceId(), count);
    }

    public void useAddressCapTarget() {
        w.switchTarget(w.control().addressCapTarget());
    }

    public void openPlainConnections(String actor, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ProbeConnection c = openPlain(actor);
            EndpointState state = c.awaitOpen();
            w.verdicts.expectEqual("state of connection " + (i + 1), EndpointState.ACTIVE, state);
            plainConnections.add(c);
        }
        w.adopt(actor, lastExtra);
    }

    private ProbeConnection openPlain(String actor) throws Exception {
        ProbeConnection c = ProbeConnection.connect(w.target().endpoint(),
                SaslChoice.plain(w.device(actor).deviceId() + "@sas." + w.target().hubName(), w.token("a valid " + actor + " token")),
                "hubsim-specs-" + UUID.randomUUID());
        w.extraConnections.add(c);
        lastExtra = c;
        return c;
    }

    public void openOneMore(String actor) throws Exception {
        openPlain(actor);
    }

    public void expectLastConnectionClosed(String condition, String description) {
        ErrorCondition error = lastExtra.awaitConnectionClosed();
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        w.verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && description.equals(error.getDescription()),
                "Close error of the connection one too many", condition + " '" + description + "'", observed);
    }

    public void beginSessions(int count) {
        for (int i = 0; i < count; i++) {
            lastSession = w.connection().awaitSession();
            sessionsBegun.add(lastSession);
        }
    }

    public void beginSessionsOnEach(int count) {
        for (ProbeConnection c : plainConnections) {
            for (int i = 0; i < count; i++) {
                lastSession = c.awaitSession();
                sessionsBegun.add(lastSession);
            }
        }
    }

    public void beginOneMore() {
        lastSession = w.connection().awaitSession();
    }

    public void expectLastSessionEnded(String condition, String description) {
        ErrorCondition error = w.connection().awaitSessionEnded(lastSession);
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        w.verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && description.equals(error.getDescription()),
                "End error of the session one too many", condition + " '" + description + "'", observed);
    }

    public void expectFirstSessionsOpen(int count) {
        for (int i = 0; i < count; i++) {
            EndpointState state = w.connection().remoteState(sessionsBegun.get(i));
            w.verdicts.expectEqual("state of session " + (i + 1), EndpointState.ACTIVE, state);
        }
    }

    public void attachSenders(int count, String address) {
        for (int i = 0; i < count; i++) {
            w.links().attachSender(address);
            w.verdicts.expect(w.attach.attached(), "attach of sender " + (i + 1) + " to " + w.expand(address), "attached", HubWorld.describe(w.attach));
            sendersAttached.add(w.sender);
        }
    }

    /**
     * The senders attached together hold {@code total} credits once granted, and still {@code total} after watching
     * {@code seconds} more: unused credit is held credit, so a bucket of the agent's does not refill past it, while a
     * bucket per link would have granted {@code total} to each.
     */
    public void expectSharedCredit(int total, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + ProbeConnection.TIMEOUT.toNanos();
        while (heldCredit() < total && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // Watching for credit that must not come: the window is the observation.
        Thread.sleep(seconds * 1000L);
        List<Integer> each = sendersAttached.stream().map(s -> w.connection().credit(s)).toList();
        w.verdicts.expect(heldCredit() == total, "credit held by the agent's " + sendersAttached.size() + " senders after " + seconds + " s",
                total + " between them", heldCredit() + " " + each);
    }

    private int heldCredit() {
        return sendersAttached.stream().mapToInt(s -> w.connection().credit(s)).sum();
    }

    /**
     * Sends at once as many messages as the sender holds credit for (the bucket's size is IMP-CREDIT-001's concern, so
     * whatever was granted is spent); each must be settled Accepted.
     */
    public void spendCredit() {
        int credits = w.connection().awaitCredit(w.sender, 1);
        List<org.apache.qpid.proton.engine.Delivery> sent = new ArrayList<>();
        for (int i = 0; i < credits; i++) {
            sent.add(w.connection().send(w.sender, telemetry()));
        }
        for (int i = 0; i < credits; i++) {
            w.verdicts.expectEqual("outcome of message " + (i + 1), "Accepted", HubWorld.outcomeName(w.connection().awaitOutcome(sent.get(i))));
        }
        spentAt = System.nanoTime();
        creditAfterSpend = w.connection().credit(w.sender);
    }

    private static org.apache.qpid.proton.message.Message telemetry() {
        org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.Proton.message();
        m.setBody(new org.apache.qpid.proton.amqp.messaging.Data(new org.apache.qpid.proton.amqp.Binary(new byte[16])));
        return m;
    }

    /**
     * The hub grants {@code credits} more than the sender held once the bucket was spent. What built up before that
     * moment and was not yet granted is less than two credits (a fraction, and a refill tick that ran late), so they
     * take at least (credits - 2) / perSecond; and at most twice the time the rate needs plus two seconds when busy.
     */
    public void expectRegeneration(int credits, int seconds, int perSecond) {
        int observed = w.connection().awaitCredit(w.sender, creditAfterSpend + credits);
        Duration took = Duration.ofNanos(System.nanoTime() - spentAt);
        Duration least = Duration.ofMillis(1000L * (credits - 2) / perSecond);
        Duration most = Duration.ofSeconds(2L * seconds + 2);
        w.verdicts.expect(observed >= creditAfterSpend + credits && took.compareTo(least) >= 0 && took.compareTo(most) <= 0,
                "credit regenerated once the bucket was spent", credits + " more than " + creditAfterSpend + " after " + least.toMillis() + "-"
                        + most.toMillis() + " ms", observed + " after " + took.toMillis() + " ms");
    }

    // --- connections per address ---------------------------------------------------------------------------------

    public void openAsManyAsAdmitted() throws Exception {
        for (int i = 0; i < w.control().connectionsPerAddress(); i++) {
            ProbeConnection c = ProbeConnection.connect(w.target().endpoint(), SaslChoice.anonymous(), "hubsim-specs-" + UUID.randomUUID());
            w.extraConnections.add(c);
            plainConnections.add(c);
        }
    }

    public void expectEachOpen() {
        for (int i = 0; i < plainConnections.size(); i++) {
            w.verdicts.expectEqual("state of connection " + (i + 1), EndpointState.ACTIVE, plainConnections.get(i).awaitOpen());
        }
    }

    public void openOneMoreAnonymous() throws Exception {
        lastExtra = ProbeConnection.connect(w.target().endpoint(), SaslChoice.anonymous(), "hubsim-specs-" + UUID.randomUUID());
        w.extraConnections.add(lastExtra);
    }

    public void expectEndedBeforeOpen() {
        lastExtra.awaitSocketEnded();
        w.verdicts.expectEqual("remote state of the connection one over the cap", EndpointState.UNINITIALIZED, lastExtra.remoteConnectionState());
    }
}
