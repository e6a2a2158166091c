package dev.hubsim.conformance;

import dev.hubsim.conformance.embedded.EmbeddedSimulator;
import dev.hubsim.conformance.embedded.Variant;
import dev.hubsim.conformance.run.HubSpecs;
import dev.hubsim.conformance.run.SpecsResult;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.faults.Deviation;
import org.junit.jupiter.api.Test;

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

/**
 * The MQTT scenarios judged: mqtt.feature runs against one simulator per MQTT departure, and each departure must fail
 * exactly its MUST statements, named with expected and observed values, and nothing else of the feature. HUB-MQTT-001
 * (a good CONNECT is accepted) has no departure of its own: breaking it breaks every scenario, which all connect first.
 */
class MqttMutationTest {
    private static final Path REPORTS = Path.of("target", "mqtt-mutations");
    private static final Path FEATURE = Path.of("../features/hub/mqtt.feature");
    static final Map<Deviation, Set<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put(Deviation.MQTT_CONNACK_4_ON_REFUSAL, Set.of("HUB-MQTT-002", "HUB-MQTT-003"));
        EXPECTED.put(Deviation.MQTT_CLIENT_ID_NOT_CHECKED, Set.of("HUB-MQTT-003"));
        EXPECTED.put(Deviation.MQTT_NO_PUBACK, Set.of("HUB-MQTT-004", "HUB-MQTT-005"));
        EXPECTED.put(Deviation.MQTT_BAG_KEYS_NOT_DECODED, Set.of("HUB-MQTT-004", "HUB-MQTT-005"));
        EXPECTED.put(Deviation.MQTT_FOREIGN_PUBLISH_DROPPED, Set.of("HUB-MQTT-006"));
        EXPECTED.put(Deviation.MQTT_BAD_SUBSCRIBE_ANSWERED, Set.of("HUB-MQTT-007"));
        EXPECTED.put(Deviation.MQTT_QOS2_PUBLISH_KEPT, Set.of("HUB-MQTT-008"));
        EXPECTED.put(Deviation.MQTT_QOS2_GRANTED, Set.of("HUB-MQTT-009"));
        EXPECTED.put(Deviation.MQTT_C2D_APPLICATION_PROPERTIES_FIRST, Set.of("HUB-MQTT-010"));
        EXPECTED.put(Deviation.MQTT_TWIN_GET_202, Set.of("HUB-MQTT-011"));
        EXPECTED.put(Deviation.MQTT_TWIN_VERSION_BEFORE_RID, Set.of("HUB-MQTT-012"));
        EXPECTED.put(Deviation.MQTT_SECOND_CONNECTION_REFUSED, Set.of("HUB-MQTT-013"));
    }

    @Test
    void everyMqttDepartureFailsExactlyItsStatements() throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("hubsim.matrix.parallel", 4));
        Map<Deviation, Future<SpecsResult>> runs = new LinkedHashMap<>();
        try {
            EXPECTED.keySet().forEach(d -> runs.put(d, pool.submit(() -> run(d))));
            List<String> problems = new ArrayList<>();
            StringBuilder table = new StringBuilder("| departure | statements that caught it |\n|---|---|\n");
            for (Map.Entry<Deviation, Future<SpecsResult>> e : runs.entrySet()) {
                SpecsResult result = e.getValue().get();
                Set<String> failed = new TreeSet<>(result.withVerdict("fail", null));
                table.append("| ").append(e.getKey()).append(" | ").append(failed.isEmpty() ? "none: ESCAPED" : String.join(", ", failed)).append(" |\n");
                if (!failed.equals(new TreeSet<>(EXPECTED.get(e.getKey())))) {
                    problems.add(e.getKey() + " failed " + failed + ", expected exactly " + new TreeSet<>(EXPECTED.get(e.getKey())) + "\n"
                            + result.describe(new ArrayList<>(failed)));
                }
                for (String id : failed) {
                    String messages = String.join("\n", result.statements().get(id).messages());
                    if (!messages.contains("expected") || !messages.contains("observed")) {
                        problems.add(e.getKey() + ": the failure of " + id + " must say what was expected and observed: " + messages);
                    }
                }
            }
            System.out.println("hubsim MQTT mutation matrix, " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s:\n" + table);
            assertEquals(List.of(), problems, String.join("\n", problems));
        } finally {
            pool.shutdownNow();
        }
    }

    private static SpecsResult run(Deviation deviation) throws Exception {
        try (HubTarget target = EmbeddedSimulator.start(Variant.deviating(deviation))) {
            return HubSpecs.run(target, REPORTS.resolve(deviation.name()), List.of(FEATURE), HubSpecs.NOT_SLOW, false);
        }
    }
}
