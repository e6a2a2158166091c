package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.AdapterChannel;
import dev.hubsim.conformance.clientkit.broken.BrokenClients;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit tests itself: each broken variant fails exactly the statement it departs from, and passes every other one. */
class BrokenClientsTest {
    @TestFactory
    List<DynamicTest> eachBrokenClientFailsExactlyItsStatement() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BrokenClients.Variant v : BrokenClients.all()) {
            tests.add(DynamicTest.dynamicTest(v.name() + " fails " + v.statement() + " only", () -> {
                ClientKit.Result result;
                try (AdapterChannel adapter = InJvmAdapter.start(v.name(), v.factory())) {
                    result = ClientKit.run("broken-" + v.name(), adapter);
                }
                Map<String, String> failed = new TreeMap<>();
                result.verdicts().forEach((id, verdict) -> {
                    boolean expectedNotApplicable = ClientKit.DEVICE_SDK_STATEMENTS.contains(id) && verdict.equals("NOT APPLICABLE");
                    if (!verdict.equals("PASS") && !verdict.equals("UNCHECKED") && !expectedNotApplicable) {
                        failed.put(id, verdict);
                    }
                });
                System.out.println("client kit, broken variant " + v.name() + ": " + failed + "\n" + result.failures());
                assertEquals(Map.of(v.statement(), "FAIL"), failed, result.failures());
                assertTrue(result.mustFailed(), "a MUST failure makes the run fail");
            }));
        }
        return tests;
    }
}
