package dev.hubsim.fuzz;

import dev.hubsim.HubSimulator;
import dev.hubsim.fuzz.HostileCase.Port;
import dev.hubsim.fuzz.HostileCase.Wire;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.EventLoopCpu;
import dev.hubsim.testing.RawAmqp;
import dev.hubsim.testing.RawWebSocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Sees a broker that hostile input left unwell, once per batch of cases so the fuzzers stay fast: every hostile socket
 * must have been closed by the server within {@link #CLOSED_WITHIN} of its start, no event loop may keep burning CPU
 * over a short idle window (its own thread CPU time, so others' load on the machine does not matter), and a fresh
 * well-behaved connection on each port the batch used must be served. When a batch fails, its cases are replayed on
 * fresh brokers, halving each time, and the failure names the case (or the smallest set that fails only together).
 */
final class HangWatch {
    static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);
    static final Duration IDLE_WINDOW = Duration.ofMillis(500);
    /**
     * An idle event loop reads about 0; a spinning one gets a share of a core however loaded the machine is (about 15%
     * with 14 runnable threads on 2 cores), so anything over 5% of the window is a loop that is not idle.
     */
    static final double BUSY = 0.05;
    /** The busiest event loop seen in any idle window of this JVM, for the reports. */
    private static volatile double busiestIdleShare;
    private static volatile String busiestIdleThread = "none";

    private final Function<Path, HubSimulator> freshBroker;

    /** @param freshBroker starts a broker like the one under test, on port 0, in the given data directory */
    HangWatch(Function<Path, HubSimulator> freshBroker) {
        this.freshBroker = freshBroker;
    }

    /**
     * After a batch whose every socket the server must close (the SASL fuzzer): checks the sockets and the broker; on a
     * problem, bisects on fresh brokers and fails naming the case.
     */
    void check(HubSimulator hub, List<Wire> batch, String seed) {
        List<String> problems = socketProblems(batch);
        problems.addAll(brokerProblems(hub, ports(batch.stream().map(w -> w.hostile).toList()), Set.of()));
        if (!problems.isEmpty()) {
            fail(batch.stream().map(w -> w.hostile).toList(), problems, true, seed);
        }
    }

    /**
     * After a batch whose cases the test judged itself (the wire fuzzer, where some input is valid and the server rightly
     * keeps serving): checks only the broker, idle and serving; on a problem, bisects on fresh brokers likewise.
     */
    void checkBroker(HubSimulator hub, List<HostileCase> batch, String seed) {
        List<String> problems = brokerProblems(hub, ports(batch), Set.of());
        if (!problems.isEmpty()) {
            fail(batch, problems, false, seed);
        }
    }

    private void fail(List<HostileCase> cases, List<String> problems, boolean socketsToo, String seed) {
        Predicate<List<HostileCase>> fails = part -> failsOnAFreshBroker(part, socketsToo);
        List<HostileCase> culprit = bisect(cases, fails);
        String blame = culprit.size() == cases.size() && !fails.test(cases)
                ? "the batch did not fail again on a fresh broker"
                : (culprit.size() == 1 ? "the case" : "these " + culprit.size() + " cases, which fail only together") + ":\n  "
                  + culprit.stream().map(HostileCase::describe).collect(Collectors.joining("\n  "));
        List<String> shown = problems.size() <= 10 ? problems : problems.subList(0, 10);
        throw new AssertionError("a batch of " + cases.size() + " hostile cases (seed " + seed + ") left the broker unwell:\n  "
                + String.join("\n  ", shown) + (shown.size() < problems.size() ? "\n  ... and " + (problems.size() - 10) + " more" : "")
                + "\nbisected on fresh brokers to " + blame);
    }

    private static Set<Port> ports(List<HostileCase> cases) {
        EnumSet<Port> ports = EnumSet.noneOf(Port.class);
        cases.forEach(c -> ports.add(c.port()));
        return ports;
    }

    /** The sockets of the batch the server did not close within {@link #CLOSED_WITHIN} of their start. */
    static List<String> socketProblems(List<Wire> batch) {
        List<String> problems = new ArrayList<>();
        for (Wire wire : batch) {
            try {
                if (!wire.closedByServer()) {
                    problems.add("socket not closed by the server within " + CLOSED_WITHIN.toSeconds() + " s: "
                            + wire.hostile.describe() + "; the server sent " + wire.frames());
                }
            } catch (IOException e) {
                problems.add("reading " + wire.hostile.name() + " failed: " + e);
            } finally {
                wire.close();
            }
        }
        return problems;
    }

    /** Event loops still burning CPU over the idle window, and ports where a fresh connection is not served. */
    static List<String> brokerProblems(HubSimulator hub, Set<Port> ports, Set<Long> ignoredThreads) {
        List<String> problems = new ArrayList<>();
        List<EventLoopCpu.Busy> loops = EventLoopCpu.eventLoops(IDLE_WINDOW, ignoredThreads);
        if (!loops.isEmpty() && loops.get(0).coreShare() > busiestIdleShare) {
            busiestIdleShare = loops.get(0).coreShare();
            busiestIdleThread = loops.get(0).thread();
        }
        loops.stream().filter(b -> b.coreShare() > BUSY).forEach(b -> problems.add("event loop still busy: " + b));
        for (Port port : ports) {
            String refusal = freshConnectionRefusal(hub, port);
            if (refusal != null) {
                problems.add("a fresh connection on the " + port + " port was not served: " + refusal);
            }
        }
        return problems;
    }

    /** For the reports: the largest share of one core an event loop used in any idle window so far, and which. */
    static String busiestIdle() {
        return String.format("%.2f%% of one core (%s; the limit is %.0f%%)", busiestIdleShare * 100, busiestIdleThread, BUSY * 100);
    }

    /** Null if a well-behaved client gets the server's Open (over WebSockets: its SASL header), else why not. */
    static String freshConnectionRefusal(HubSimulator hub, Port port) {
        try {
            switch (port) {
                case PLAIN -> {
                    try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous())) {
                        client.awaitOpen();
                    }
                }
                case TLS -> {
                    try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous())) {
                        client.awaitOpen();
                    }
                }
                case WEBSOCKET -> {
                    try (RawWebSocket ws = RawWebSocket.connect(hub.httpsPort(), hub.tls().clientContext(), CLOSED_WITHIN)) {
                        ws.send(RawAmqp.SASL_HEADER);
                        if (!ws.awaitBytes(8, CLOSED_WITHIN) || !Arrays.equals(RawAmqp.SASL_HEADER, Arrays.copyOf(ws.received(), 8))) {
                            return "no SASL header back within " + CLOSED_WITHIN.toSeconds() + " s";
                        }
                    }
                }
            }
            return null;
        } catch (IOException | RuntimeException | AssertionError e) {
            return e.toString();
        }
    }

    /**
     * The smallest part of {@code cases} found to fail by halving: one case, or a set that fails only as a whole (then
     * the set itself). Assumes {@code cases} fails.
     */
    static <T> List<T> bisect(List<T> cases, Predicate<List<T>> fails) {
        if (cases.size() <= 1) {
            return cases;
        }
        List<T> first = cases.subList(0, cases.size() / 2);
        List<T> second = cases.subList(cases.size() / 2, cases.size());
        if (fails.test(first)) {
            return bisect(first, fails);
        }
        if (fails.test(second)) {
            return bisect(second, fails);
        }
        return cases;
    }

    private boolean failsOnAFreshBroker(List<HostileCase> cases, boolean socketsToo) {
        Set<Long> older = EventLoopCpu.threadsNow(); // an earlier broker's spinning loop must not blame these cases
        HubSimulator fresh;
        try {
            fresh = freshBroker.apply(Files.createTempDirectory("hubsim-bisect"));
        } catch (IOException e) {
            throw new AssertionError("cannot start a broker to bisect on", e);
        }
        try {
            List<Wire> wires = new ArrayList<>();
            for (HostileCase c : cases) {
                wires.add(c.start(fresh));
            }
            List<String> sockets = socketProblems(wires);
            return socketsToo && !sockets.isEmpty() || !brokerProblems(fresh, ports(cases), older).isEmpty();
        } catch (IOException e) {
            return true; // could not even connect: the broker is not serving
        } finally {
            closeAside(fresh);
        }
    }

    /** A broker with a stuck event loop may never finish stopping: give it a while on its own thread, then move on. */
    private static void closeAside(HubSimulator hub) {
        Thread closer = new Thread(hub::close, "hubsim-bisect-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
