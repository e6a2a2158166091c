package dev.hubsim.conformance.clientkit;

import dev.hubsim.client.Amqp;
import dev.hubsim.conformance.client.AdapterChannel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The reference client passes every client statement that has a scenario: the verdicts must be exactly PASS for each
 * statement tagged in features/client (NOT APPLICABLE for the device-SDK ones, which need a capability the reference
 * client does not declare) and UNCHECKED for the catalogue's other client statements. A scenario that stopped running
 * shows up as UNCHECKED where PASS was expected.
 */
class ReferenceClientKitTest {
    private static final Path FEATURES = Path.of("../features/client");
    private static final Pattern STATEMENT_TAG = Pattern.compile("@(IMP-[A-Z]+-\\d+)\\b");

    @Test
    void referenceClientInThisJvmPassesEveryCheckedStatement() throws Exception {
        ClientKit.Result result;
        try (AdapterChannel adapter = InJvmAdapter.start("reference", trust -> new Amqp(trust, null))) {
            result = ClientKit.run("reference-in-jvm", adapter);
        }
        System.out.println("client kit, reference (in JVM): " + result.verdicts());
        Set<String> tagged = taggedStatements(FEATURES);
        Set<String> deviceSdkOnly = taggedStatements(FEATURES.resolve("device-sdk.feature"));
        assertFalse(tagged.isEmpty(), "no statement tags found in " + FEATURES.toAbsolutePath());
        Map<String, String> expected = new TreeMap<>();
        for (String id : result.verdicts().keySet()) {
            expected.put(id, !tagged.contains(id) ? "UNCHECKED" : deviceSdkOnly.contains(id) ? "NOT APPLICABLE" : "PASS");
        }
        for (String id : tagged) {
            expected.putIfAbsent(id, "PASS (a tagged statement missing from the report)");
        }
        assertEquals(expected, new TreeMap<>(result.verdicts()), result.failures());
        assertFalse(result.mustFailed(), result.failures());
    }

    private static Set<String> taggedStatements(Path featuresOrFile) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> files = Files.isDirectory(featuresOrFile) ? Files.list(featuresOrFile) : Stream.of(featuresOrFile)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".feature")).toList()) {
                Matcher m = STATEMENT_TAG.matcher(Files.readString(f));
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        return ids;
    }
}
