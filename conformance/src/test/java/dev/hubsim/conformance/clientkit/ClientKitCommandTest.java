package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.AdapterChannel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The documented way to run the kit against any adapter command:
 * {@code mvn -B -pl conformance -am verify -Dtest=ClientKitCommandTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhubsim.clientkit.adapter="node adapter.js" -Dhubsim.clientkit.adapterDir=adapters/node}. It fails (non-zero exit)
 * when a MUST statement fails; reports land in target/client-kit/adapter/.
 */
class ClientKitCommandTest {
    @Test
    void adapterCommandPassesEveryMustStatement() throws Exception {
        String command = System.getProperty("hubsim.clientkit.adapter", System.getenv("HUBSIM_CLIENTKIT_ADAPTER"));
        Assumptions.assumeTrue(command != null && !command.isBlank(), "no adapter command given (-Dhubsim.clientkit.adapter=...)");
        File dir = new File(System.getProperty("hubsim.clientkit.adapterDir", "."));
        ClientKit.Result result;
        try (AdapterChannel adapter = AdapterChannel.start(command, dir)) {
            System.out.println("client kit: adapter " + adapter.hello());
            result = ClientKit.run("adapter", adapter);
        }
        result.report().path("statements").properties().forEach(e -> System.out.println("client kit: " + e.getKey() + " "
                + e.getValue().path("strength").asText() + " " + e.getValue().path("verdict").asText()));
        System.out.println("client kit: " + result.report().path("summary") + "; reports in " + result.dir().toAbsolutePath());
        assertFalse(result.mustFailed(), "MUST statements failed:\n" + result.failures());
    }
}
