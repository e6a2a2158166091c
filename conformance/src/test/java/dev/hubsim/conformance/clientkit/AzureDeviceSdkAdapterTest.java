package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.AdapterChannel;
import dev.hubsim.conformance.embedded.ImpHub;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The real Azure IoT Java device SDK 2.5.0 through the kit's wire-level scenarios, with its capabilities only
 * (deviceSdk, tokenRenewal): every imp-API statement is NOT APPLICABLE. The SDK hard-codes port 5671, so this test
 * needs that port free (on a shared machine run it under {@code flock /tmp/hubsim-fixed-ports.lock}).
 */
class AzureDeviceSdkAdapterTest {
    @Test
    void azureDeviceSdkThroughTheKit() throws Exception {
        ClientKit.Result result;
        // The kit's own hub (imp profile, telemetry credit granted by the kit), on the port the SDK insists on.
        try (ImpHub hub = new ImpHub(ImpHub.SDK_PORT); AdapterChannel adapter = AzureDeviceSdkAdapter.start()) {
            result = ClientKit.run("azure-iot-device-sdk-2.5.0", adapter, hub);
        }
        System.out.println("client kit, Azure IoT device SDK 2.5.0: " + result.verdicts() + "\n" + result.failures());
        result.verdicts().forEach((id, verdict) -> {
            if (ClientKit.DEVICE_SDK_STATEMENTS.contains(id)) {
                assertEquals("PASS", verdict, id + ": " + result.failures());
            } else if (!verdict.equals("UNCHECKED")) {
                assertEquals("NOT APPLICABLE", verdict, id + " needs the imp API");
            }
        });
        assertFalse(result.mustFailed(), result.failures());
        assertEquals(ClientKit.Outcome.PASS, result.outcome());
    }
}
