package dev.hubsim.conformance.clientkit;

import org.junit.jupiter.api.Test;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example adapter on Node.js (adapters/node, rhea 3.0.5), a stack independent of Proton, through the kit's command
 * line. Under CI (CI=true) a missing node fails the build (.ci/run installs it); elsewhere it skips, saying so.
 */
class NodeAdapterTest {
    private static final File DIR = new File("adapters/node");

    @Test
    void rheaAdapterPassesEveryImpApiStatement() throws Exception {
        AdapterRuns.requireRuntime(AdapterRuns.run(DIR, "node.log", "node", "--version"),
                "node is not installed (.ci/run installs Debian's nodejs and npm)");
        // The build installs the adapter's locked dependencies itself (npm registry or the npm cache).
        assertTrue(AdapterRuns.run(DIR, "npm.log", "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), "npm ci failed in " + DIR.getAbsolutePath());
        AdapterRuns.Run run = AdapterRuns.kit("node adapter.js", DIR, "rhea_");
        System.out.println("client kit, node/rhea adapter: " + run.verdicts());
        AdapterRuns.expectPassExcept(run, ClientKit.DEVICE_SDK_STATEMENTS);
        assertTrue(run.dir().getFileName().toString().startsWith("rhea_3.0.5"), run.dir().toString());
    }
}
