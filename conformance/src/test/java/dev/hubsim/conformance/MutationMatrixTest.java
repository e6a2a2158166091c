package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.HubTarget;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit judged (Reactive Streams TCK style): every hub feature runs against a simulator as documented and against
 * one simulator per departure ({@link MutationMatrix}), several at once in this JVM. Each departure must fail exactly
 * the statements it breaks, each named with expected and observed values, and every other statement must keep the
 * verdict it has against the documented simulator. The matrix and the mutation score are printed and written to
 * target/mutation-matrix.md; README.md carries the same table. The MQTT face's departures have their own, shorter
 * matrix ({@link MqttMutationTest}), so the AMQP runs leave mqtt.feature out.
 */
class MutationMatrixTest {
    private static final Path REPORTS = Path.of("target", "mutation-matrix");
    private static final int PARALLEL_RUNS = Integer.getInteger("hubsim.matrix.parallel", 8);
    /** Departures with disjoint statements that share one simulator run (1: each alone, as -Dhubsim.matrix.group=1 does). */
    private static final int GROUP_SIZE = Integer.getInteger("hubsim.matrix.group", 3);

    @Test
    void everyDepartureFailsExactlyItsStatementsAndNothingElse() throws Exception {
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        List<List<Variant>> groups = MutationMatrix.groups(GROUP_SIZE);
        Map<List<Variant>, Future<SpecsResult>> runs = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS, r -> new Thread(r, "matrix-run"));
        try {
            Future<SpecsResult> documented = pool.submit(() -> run(Variant.AS_DOCUMENTED));
            for (List<Variant> group : groups) {
                runs.put(group, pool.submit(() -> run(group.size() == 1 ? group.get(0) : Variant.together(group))));
            }
            SpecsResult baseline = documented.get();
            Map<Variant, Set<String>> caught = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (List<Variant> group : groups) {
                SpecsResult result = runs.get(group).get();
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
            String table = MutationMatrix.render(caught, took, PARALLEL_RUNS, groups.size() + 1);
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

    private static SpecsResult run(Variant variant) throws Exception {
        try (HubTarget target = EmbeddedSimulator.start(variant)) {
            return HubSpecs.run(target, REPORTS.resolve(variant.name().replaceAll("[^A-Za-z0-9-]+", "-")),
                    List.of(Path.of("../features/hub")), HubSpecs.NOT_SLOW + " and not @mqtt", false);
        }
    }
}
