package dev.hubsim.conformance.clientkit;

import org.junit.jupiter.api.Test;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example adapter in Python on Qpid Proton's C engine (adapters/python), the third independent AMQP stack, through
 * the kit's command line. Debian's python3-qpid-proton imports under /usr/bin/python3 only. Under CI (CI=true) a
 * missing package fails the build (.ci/run installs it); elsewhere it skips, saying so.
 */
class PythonAdapterTest {
    private static final File DIR = new File("adapters/python");

    @Test
    void protonCAdapterPassesEveryImpApiStatement() throws Exception {
        AdapterRuns.requireRuntime(AdapterRuns.run(DIR, "python.log", "/usr/bin/python3", "-c", "import proton"),
                "python3-qpid-proton is not installed (.ci/run installs it: apt-get install -y python3-qpid-proton)");
        AdapterRuns.Run run = AdapterRuns.kit("/usr/bin/python3 adapter.py", DIR, "Qpid_Proton-C");
        System.out.println("client kit, Python/Proton-C adapter: " + run.verdicts());
        AdapterRuns.expectPassExcept(run, ClientKit.DEVICE_SDK_STATEMENTS);
        assertTrue(run.dir().getFileName().toString().startsWith("Qpid_Proton-C"), run.dir().toString());
    }

    @Test
    void anAdapterThatCannotStartIsASetupErrorWithExitStatusTwo() throws Exception {
        assertEquals(2, dev.hubsim.conformance.cli.KitCommand.commandLine().execute("client", "--adapter", "no-such-adapter-command",
                "--reports", AdapterRuns.REPORTS.toString()));
    }
}
