package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.AdapterChannel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example adapter in a second language (adapters/node, rhea) through the kit, as a child process. It declares no
 * "receiver" capability, so the receiver statements must come out NOT APPLICABLE, never PASS.
 */
class NodeAdapterTest {
    private static final File DIR = new File("adapters/node");
    private static final List<String> RECEIVER_STATEMENTS = List.of("IMP-LIMIT-104", "IMP-FLOW-001", "IMP-MSG-004");

    @Test
    void rheaAdapterPassesWhatItClaimsAndTheRestIsNotApplicable() throws Exception {
        boolean node = run(List.of("node", "--version"));
        // CI (CI=true) must run this test: .ci/run installs Node when the machine lacks it. Elsewhere a missing node skips it.
        Assumptions.assumeTrue(node || "true".equalsIgnoreCase(System.getenv("CI")), "node is not installed: the Node.js example adapter cannot run");
        assertTrue(node, "node is not installed and CI=true: .ci/run should have installed Debian's nodejs and npm");
        // The build installs the adapter's locked dependencies itself (npm registry or the npm cache).
        if (!run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"))) {
            throw new AssertionError("npm ci failed in " + DIR.getAbsolutePath());
        }
        ClientKit.Result result;
        try (AdapterChannel adapter = AdapterChannel.start("node adapter.js", DIR)) {
            result = ClientKit.run("node-rhea", adapter);
        }
        System.out.println("client kit, node/rhea adapter: " + result.verdicts());
        result.verdicts().forEach((id, verdict) -> {
            if (RECEIVER_STATEMENTS.contains(id) || ClientKit.DEVICE_SDK_STATEMENTS.contains(id)) {
                assertEquals("NOT APPLICABLE", verdict, id);
            } else if (!verdict.equals("UNCHECKED")) {
                assertEquals("PASS", verdict, id + ": " + result.failures());
            }
        });
        assertFalse(result.mustFailed(), result.failures());
    }

    private static boolean run(List<String> command) throws Exception {
        try {
            // Not inheritIO: npm must not read the surefire fork's stdin, which carries surefire's own commands.
            java.io.File log = new java.io.File("target/npm.log");
            Process p = new ProcessBuilder(command).directory(DIR).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            p.getOutputStream().close();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
