package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit judged (Reactive Streams TCK style): every hub feature runs against a simulator as documented and against
 * one simulator per departure ({@link MutationMatrix}), many at once in this JVM, each run in parts that go side by side
 * on simulators of their own ({@link PartedRun}): a run is mostly waiting, on two cores too. Each departure must fail exactly
 * the statements it breaks, each named with expected and observed values, and every other statement must keep the
 * verdict it has against the documented simulator. The matrix and the mutation score are printed and written to
 * target/mutation-matrix.md; README.md carries the same table. The MQTT face's departures have their own, shorter
 * matrix ({@link MqttMutationTest}), so the AMQP runs leave mqtt.feature out.
 */
class MutationMatrixTest {
    private static final Path REPORTS = Path.of("target", "mutation-matrix");
    /** Parts of runs going at once, each with a simulator of its own (more only adds load: the longest part sets the time). */
    private static final int PARALLEL_RUNS = Integer.getInteger("hubsim.matrix.parallel", 24);
    /** Departures with disjoint statements that share one simulator run (1: each alone, as -Dhubsim.matrix.group=1 does). */
    private static final int GROUP_SIZE = Integer.getInteger("hubsim.matrix.group", 3);

    @Test
    void everyDepartureFailsExactlyItsStatementsAndNothingElse() throws Exception {
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        List<List<Variant>> groups = MutationMatrix.groups(GROUP_SIZE);
        List<List<Path>> parts = PartedRun.parts();
        Map<List<Variant>, List<CompletableFuture<SpecsResult>>> runs = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS, r -> new Thread(r, "matrix-run"));
        try {
            // First the parts likeliest to be long: the documented run's (every timed scenario passes) and, of each
            // departure's run, those with its statements (a scenario may wait in vain for what the hub never sends).
            List<Runnable> later = new ArrayList<>();
            List<CompletableFuture<SpecsResult>> documented = start(pool, Variant.AS_DOCUMENTED, parts, Set.of(), later);
            for (List<Variant> group : groups) {
                Set<String> expected = new TreeSet<>();
                group.forEach(v -> expected.addAll(MutationMatrix.EXPECTED.get(v)));
                runs.put(group, start(pool, group.size() == 1 ? group.get(0) : Variant.together(group), parts, expected, later));
            }
            later.forEach(Runnable::run);
            SpecsResult baseline = finish(documented);
            Map<Variant, Set<String>> caught = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (List<Variant> group : groups) {
                SpecsResult result = finish(runs.get(group));
                Set<String> failed = new TreeSet<>(result.withVerdict("fail", null));
                for (Variant v : group) {
                    Set<String> own = new TreeSet<>(failed);
                    // In a shared run, a departure's catch is the failures among its own statements.
                    if (group.size() > 1) {
                        own.retainAll(MutationMatrix.EXPECTED.get(v));
                    }
                    caught.put(v, own);
                }
                problems.addAll(MutationMatrix.judge(group, baseline, result));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String table = MutationMatrix.render(caught, took, parts.size(), groups.size() + 1);
            System.out.println("hubsim mutation matrix: " + Duration.ofNanos(processCpuNanos() - cpu0).toSeconds() + " s of CPU");
            System.out.println(table);
            Files.writeString(REPORTS.resolve("mutation-matrix.md"), table);
            assertEquals(List.of(), problems, "mutation matrix:\n" + String.join("\n", problems));
            assertTrue(baseline.withVerdict("fail", null).isEmpty(), "the documented simulator fails:\n"
                    + baseline.describe(baseline.withVerdict("fail", null)));
        } finally {
            pool.shutdownNow();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The parts of one run: submitted now when all are to go first ({@code first} empty) or they hold one of the
     * statements {@code first} names, else added to {@code later} for submitting after.
     */
    private static List<CompletableFuture<SpecsResult>> start(ExecutorService pool, Variant variant, List<List<Path>> parts,
                                                              Set<String> first, List<Runnable> later) throws IOException {
        Path reports = REPORTS.resolve(variant.name().replaceAll("[^A-Za-z0-9-]+", "-"));
        List<CompletableFuture<SpecsResult>> started = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Callable<SpecsResult> part = PartedRun.part(variant, parts.get(i), reports.resolve("part-" + (i + 1)), HubSpecs.NOT_SLOW + " and not @mqtt");
            CompletableFuture<SpecsResult> result = new CompletableFuture<>();
            Runnable submit = () -> pool.execute(() -> {
                try {
                    result.complete(part.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            if (first.isEmpty() || PartedRun.holdsAny(parts.get(i), first)) {
                submit.run();
            } else {
                later.add(submit);
            }
            started.add(result);
        }
        return started;
    }

    private static SpecsResult finish(List<CompletableFuture<SpecsResult>> parts) throws Exception {
        List<SpecsResult> results = new ArrayList<>();
        for (CompletableFuture<SpecsResult> part : parts) {
            results.add(part.get());
        }
        return PartedRun.merge(results);
    }
}
