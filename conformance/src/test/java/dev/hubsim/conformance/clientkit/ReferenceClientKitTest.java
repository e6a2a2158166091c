package dev.hubsim.conformance.clientkit;

import dev.hubsim.client.Amqp;
import dev.hubsim.conformance.client.AdapterChannel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The reference client passes every client statement that has a scenario. */
class ReferenceClientKitTest {
    @Test
    void referenceClientInThisJvmPassesEveryCheckedStatement() throws Exception {
        ClientKit.Result result;
        try (AdapterChannel adapter = InJvmAdapter.start("reference", trust -> new Amqp(trust, null))) {
            result = ClientKit.run("reference-in-jvm", adapter);
        }
        System.out.println("client kit, reference (in JVM): " + result.verdicts());
        assertFalse(result.mustFailed(), result.failures());
        result.verdicts().forEach((id, verdict) -> {
            if (ClientKit.DEVICE_SDK_STATEMENTS.contains(id)) {
                assertEquals("NOT APPLICABLE", verdict, id + " needs the deviceSdk capability");
            } else if (!verdict.equals("UNCHECKED")) {
                assertEquals("PASS", verdict, id + ": " + result.failures());
            }
        });
        assertEquals(Map.of(), Map.of());
    }
}
