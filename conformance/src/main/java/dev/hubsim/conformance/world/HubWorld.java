package dev.hubsim.conformance.world;

import dev.hubsim.probe.CbsProbe;
import dev.hubsim.probe.ConnectionString;
import dev.hubsim.probe.ProbeConnection;
import dev.hubsim.probe.ProbeConnection.LinkOutcome;
import dev.hubsim.probe.ProbeTimeout;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.probe.SasTokens;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.conformance.target.SimulatorControl;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's view of the hub: the probe connections of its actors ("device1", "the service", "a client"), what
 * they sent and what came back. The checks live in one class per area ({@link CbsChecks}, {@link LinkChecks},
 * {@link CloudToDeviceChecks}, {@link EventHubChecks}, {@link LimitChecks}, {@link TimeChecks}); step definitions
 * call one method each.
 */
public final class HubWorld {
    public static final String SERVICE = "the service";
    public static final String CLIENT = "a client";
    private static final Pattern DEVICE = Pattern.compile("device(\\d+)");
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private HubTarget target;
    private final List<String> statementIds;
    private final Map<String, ProbeConnection> connections = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, CbsProbe> cbs = new HashMap<>();
    final Map<String, Receiver> receivers = new HashMap<>();
    final List<ProbeConnection> extraConnections = new ArrayList<>();
    final Set<Object> sentThisScenario = new HashSet<>();
    private String currentActor;
    Sasl.SaslOutcome saslOutcome;
    /** The last sender attached and the hub's answer to its attach. */
    Sender sender;
    LinkOutcome attach;
    /** The outcome of the last transfer sent (telemetry or cloud-to-device). */
    DeliveryState outcome;
    final Verdicts verdicts;
    private final CbsChecks cbsChecks = new CbsChecks(this);
    private final LinkChecks linkChecks = new LinkChecks(this);
    private final CloudToDeviceChecks c2d = new CloudToDeviceChecks(this);
    private final EventHubChecks eventHub = new EventHubChecks(this);
    private final LimitChecks limits = new LimitChecks(this);
    private final TimeChecks times = new TimeChecks(this);
    private final TwinChecks twins = new TwinChecks(this);
    private final MqttChecks mqtt = new MqttChecks(this);
    private final MethodChecks methods = new MethodChecks(this);
    private final QueryChecks queries = new QueryChecks(this);

    public HubWorld(HubTarget target, List<String> statementIds) {
        this.target = target;
        this.statementIds = statementIds;
        this.verdicts = new Verdicts(statementIds, this::evidence);
        ProbeTimeout.label(String.join(" ", statementIds));
    }

    public CbsChecks cbs() {
        return cbsChecks;
    }

    public LinkChecks links() {
        return linkChecks;
    }

    public CloudToDeviceChecks c2d() {
        return c2d;
    }

    public EventHubChecks eventHub() {
        return eventHub;
    }

    public LimitChecks limits() {
        return limits;
    }

    public TimeChecks times() {
        return times;
    }

    public TwinChecks twins() {
        return twins;
    }

    public MqttChecks mqtt() {
        return mqtt;
    }

    public MethodChecks methods() {
        return methods;
    }

    public QueryChecks queries() {
        return queries;
    }

    private String evidence() {
        ProbeConnection c = currentActor == null ? null : connections.get(currentActor);
        return c == null ? "(no connection)" : c.frames().tail(12);
    }

    // --- the target -------------------------------------------------------------------------------------------

    HubTarget target() {
        return target;
    }

    /** From here on the scenario talks to another simulator (the imp profile, the timing target, ...). */
    void switchTarget(HubTarget other) {
        target = other;
    }

    SimulatorControl control() {
        return target.control().orElseThrow(() -> new IllegalStateException("this scenario needs the simulator's control"));
    }

    /** The target's time: tokens are signed against it, so a simulator whose clock moved still accepts them. */
    Instant now() {
        return Instant.now().plus(target.control().map(SimulatorControl::clockOffset).orElse(Duration.ZERO));
    }

    // --- names ------------------------------------------------------------------------------------------------

    /** Replaces {device1}, {device2}, {hub}, {policy}, {host} with the target's names. */
    public String expand(String text) {
        String out = text;
        for (int i = 0; i < target.devices().size(); i++) {
            out = out.replace("{device" + (i + 1) + "}", target.devices().get(i).deviceId());
        }
        return out.replace("{hub}", target.hubName()).replace("{policy}", target.service().keyName())
                .replace("{host}", target.service().hostName());
    }

    ConnectionString device(String actor) {
        Matcher m = DEVICE.matcher(actor);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a device actor: " + actor);
        }
        int index = Integer.parseInt(m.group(1)) - 1;
        if (index >= target.devices().size()) {
            throw new IllegalStateException("the target names " + target.devices().size() + " devices; the scenario needs " + actor);
        }
        return target.devices().get(index);
    }

    /** "the service" or "service" is the service policy; "device1" ... the devices. */
    ConnectionString identity(String who) {
        return who.equals("service") || who.equals(SERVICE) ? target.service() : device(who);
    }

    /** The audience a put-token names: "the hub" or a device's path under the hub's host. */
    public String audience(String who) {
        return who.equals("the hub") ? target.service().hostName() : target.service().hostName() + "/devices/" + device(who).deviceId();
    }

    /** A token as the Gherkin describes it: "a valid device1 token", "a device1 token with a forged signature", ... */
    public String token(String description) {
        Matcher valid = Pattern.compile("a valid (\\S+) token").matcher(description);
        Matcher forged = Pattern.compile("an? (\\S+) token with a forged signature").matcher(description);
        Matcher expired = Pattern.compile("an? (\\S+) token that expired (\\d+) minutes ago").matcher(description);
        if (valid.matches()) {
            return tokenFor(valid.group(1), now().plus(TOKEN_LIFETIME));
        }
        if (forged.matches()) {
            return tokenFor(forged.group(1), now().plus(TOKEN_LIFETIME)).replaceFirst("sig=[^&]+", "sig=" + "A".repeat(43) + "%3D");
        }
        if (expired.matches()) {
            return tokenFor(expired.group(1), now().minus(Duration.ofMinutes(Long.parseLong(expired.group(2)))));
        }
        throw new IllegalArgumentException("no such token description: " + description);
    }

    String tokenFor(String who, Instant expiry) {
        return who.equals("service") ? SasTokens.policyToken(target.service(), expiry) : SasTokens.deviceToken(device(who), expiry);
    }

    // --- connections ------------------------------------------------------------------------------------------

    ProbeConnection open(String actor, SaslChoice sasl) throws Exception {
        ProbeConnection connection = ProbeConnection.connect(target.endpoint(), sasl, "hubsim-specs-" + UUID.randomUUID());
        ProbeConnection previous = connections.put(actor, connection);
        if (previous != null) {
            previous.close();
        }
        sessions.remove(actor);
        cbs.remove(actor);
        receivers.remove(actor);
        if (actor.equals(SERVICE)) {
            c2d.serviceReconnected();
        }
        currentActor = actor;
        return connection;
    }

    /** Makes {@code connection} the actor's current one (the last of several SASL PLAIN connections). */
    void adopt(String actor, ProbeConnection connection) {
        connections.put(actor, connection);
        sessions.remove(actor);
        currentActor = actor;
    }

    ProbeConnection connection() {
        ProbeConnection c = connections.get(currentActor);
        if (c == null) {
            throw new IllegalStateException("no connection yet for " + currentActor);
        }
        return c;
    }

    ProbeConnection connection(String actor) {
        return connections.get(actor);
    }

    String currentActor() {
        return currentActor;
    }

    void actAs(String actor) {
        currentActor = actor;
    }

    Session session() {
        return sessions.computeIfAbsent(currentActor, a -> connection().awaitSession());
    }

    public void connectPlain(String actor, String userName, String password) throws Exception {
        saslOutcome = open(actor, SaslChoice.plain(expand(userName), password)).awaitSaslOutcome();
    }

    public void connect(String actor, String mechanism) throws Exception {
        saslOutcome = open(actor, new SaslChoice(mechanism, null, null)).awaitSaslOutcome();
    }

    /** Connects with ANONYMOUS, attaches $cbs and puts the token; the reply must be 200 for the scenario to go on. */
    public void connectWithClaim(String actor, String tokenDescription) throws Exception {
        connectWithToken(actor, token(tokenDescription));
    }

    /** The same with a token valid for only this long from now (the first token of a renewal scenario). */
    public void connectWithShortToken(String actor, String who, Duration validFor) throws Exception {
        Instant expiry = now().plus(validFor);
        times.firstTokenExpires(Instant.now().plus(validFor));
        connectWithToken(actor, tokenFor(who, expiry));
    }

    private void connectWithToken(String actor, String token) throws Exception {
        connect(actor, "ANONYMOUS");
        expectSaslOutcome("PN_SASL_OK");
        cbsChecks.attached();
        cbsChecks.putToken(actor.equals(SERVICE) ? "the hub" : actor, token);
        cbsChecks.expectStatus(200, null);
    }

    public void expectSaslOutcome(String expected) {
        verdicts.expectEqual("SASL outcome", expected, String.valueOf(saslOutcome));
    }

    public void expectConnectionOpen() {
        EndpointState state = connection().awaitOpen();
        verdicts.expectEqual("remote connection state", EndpointState.ACTIVE, state);
    }

    /** The current actor's connection got no Close from the hub (checked after a round trip on it). */
    public void expectNeverClosed() {
        boolean closed = connection().remotelyClosed();
        verdicts.expect(!closed, "Close from the hub on this connection", "none", closed ? "closed: " + connection().awaitConnectionClosed() : "");
    }

    public void expectConnectionClosed(String condition, String prefix) {
        org.apache.qpid.proton.amqp.transport.ErrorCondition error = connection().awaitConnectionClosed();
        String observed = error == null ? "no error" : error.getCondition() + " '" + error.getDescription() + "'";
        verdicts.expect(error != null && condition.equals(String.valueOf(error.getCondition())) && error.getDescription() != null
                && error.getDescription().startsWith(prefix), "Close error of the connection", condition + " '" + prefix + "...'", observed);
    }

    public void expireClaims(String actor) {
        control().expireClaims(device(actor).deviceId());
    }

    // --- CBS links of an actor --------------------------------------------------------------------------------

    CbsProbe cbsProbe() {
        return cbs.get(currentActor);
    }

    void keepCbs(CbsProbe probe) {
        cbs.put(currentActor, probe);
    }

    // --- transfers --------------------------------------------------------------------------------------------

    void transferOutcome(DeliveryState state) {
        outcome = state;
    }

    public void expectOutcome(String expected) {
        verdicts.expectEqual("outcome of the transfer", expected, outcomeName(outcome));
    }

    public void expectRejected(String condition) {
        String observed = outcome instanceof Rejected r && r.getError() != null ? String.valueOf(r.getError().getCondition()) : outcomeName(outcome);
        verdicts.expectEqual("Rejected condition of the transfer", condition, observed);
    }

    static String outcomeName(DeliveryState state) {
        if (state == null) {
            return "no outcome";
        }
        if (state instanceof Rejected r && r.getError() != null) {
            return "Rejected " + r.getError().getCondition() + " '" + r.getError().getDescription() + "'";
        }
        return state.getClass().getSimpleName();
    }

    static String describe(LinkOutcome out) {
        return out.attached() ? "attached" : "refused " + out.condition() + " '" + out.description() + "' (null terminus: " + out.remoteTerminusNull() + ")";
    }

    /** Closes every connection the scenario opened. */
    public void close() {
        ProbeTimeout.clearLabel();
        eventHub.close();
        mqtt.close();
        connections.values().forEach(ProbeConnection::close);
        extraConnections.forEach(ProbeConnection::close);
    }
}
