package dev.hubsim.conformance.clientkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubsim.conformance.client.AdapterChannel;
import dev.hubsim.conformance.clientkit.broken.BrokenClients;
import dev.hubsim.conformance.embedded.ImpHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit tests itself: each broken variant, run against the scenarios of its statement plus the smoke set,
 * fails exactly that statement (named, with expected and observed, and the frames around it), and passes every other
 * statement it ran. Together the variants cover every client statement the imp reference client can be judged on.
 */
class BrokenClientsTest {
    /** Scenarios every variant runs besides its own: a variant must not fail them. */
    private static final String SMOKE = "@smoke";
    private static final Set<String> COVERED = new TreeSet<>();
    /** Variants run at once. */
    private static final int WORKERS = 4;
    private static long started;

    @TestFactory
    List<DynamicTest> eachBrokenClientFailsExactlyItsStatement() throws Exception {
        started = System.nanoTime();
        Map<String, ClientKit.Result> results = runAll(BrokenClients.all());
        List<DynamicTest> tests = new ArrayList<>();
        for (BrokenClients.Variant v : BrokenClients.all()) {
            tests.add(DynamicTest.dynamicTest(v.name() + " fails " + v.statement() + " only", () -> {
                ClientKit.Result result = results.get(v.name());
                Map<String, String> failed = new TreeMap<>();
                result.verdicts().forEach((id, verdict) -> {
                    if (!verdict.equals("PASS") && !verdict.equals("UNCHECKED")) {
                        failed.put(id, verdict);
                    }
                });
                System.out.println("client kit, broken variant " + v.name() + ": " + failed + "\n" + result.failures());
                assertEquals(Map.of(v.statement(), "FAIL"), failed, result.failures());
                JsonNode row = result.report().path("statements").path(v.statement());
                for (JsonNode f : row.path("failures")) {
                    String message = f.path("message").asText();
                    assertTrue(message.contains("[" + v.statement() + "]") && message.contains("expected") && message.contains("observed"),
                            "the failure names its statement, expected and observed: " + message);
                    assertTrue(f.path("evidence").has("frames") && f.path("evidence").has("events"), "the failure carries its evidence: " + f);
                }
                boolean must = row.path("strength").asText().equals("MUST");
                assertEquals(must ? ClientKit.Outcome.FAIL : ClientKit.Outcome.PASS, result.outcome(), "a MUST failure fails the run; a SHOULD one does not");
                COVERED.add(v.statement());
            }));
        }
        return tests;
    }

    /**
     * Every variant's run, {@link #WORKERS} at once, each worker on a hub of its own: a broken variant mostly waits out
     * the kit's timeout for what it never does, and the imp limits count per client, whose devices all runs share.
     */
    private static Map<String, ClientKit.Result> runAll(List<BrokenClients.Variant> variants) throws Exception {
        Queue<BrokenClients.Variant> queue = new ConcurrentLinkedQueue<>(variants);
        Map<String, ClientKit.Result> results = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, r -> new Thread(r, "broken-clients"));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                running.add(workers.submit(() -> {
                    try (ImpHub hub = new ImpHub()) {
                        for (BrokenClients.Variant v; (v = queue.poll()) != null; ) {
                            try (AdapterChannel adapter = InJvmAdapter.start(v.name(), v.factory())) {
                                results.put(v.name(), ClientKit.run(adapter, hub, Path.of("target", "client-kit", "broken", v.name()),
                                        List.of(ClientKit.FEATURES), "(" + v.scenarios() + ") or " + SMOKE, false));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } finally {
            workers.shutdownNow();
        }
        return results;
    }

    /** An adapter that declares no capability gets no verdict (exit status 2), never a pass. */
    @Test
    void anAdapterWithoutCapabilitiesGetsNoVerdict() throws Exception {
        ClientKit.Result result;
        try (AdapterChannel adapter = InJvmAdapter.start("no-capabilities", List.of(), t -> new dev.hubsim.client.Amqp(t, null))) {
            result = ClientKit.run(adapter, ClientKit.sharedHub(), Path.of("target", "client-kit", "broken", "no-capabilities"),
                    List.of(ClientKit.FEATURES), null, false);
        }
        assertEquals(0, result.mustChecked(), result.verdicts().toString());
        assertEquals(ClientKit.Outcome.NO_VERDICT, result.outcome());
        assertEquals(2, result.outcome().exitStatus);
    }

    @AfterAll
    static void report() {
        System.out.printf("client kit self-test: %d variants cover %d statements %s in %.1f s%n", BrokenClients.all().size(), COVERED.size(),
                COVERED, (System.nanoTime() - started) / 1e9);
    }
}
