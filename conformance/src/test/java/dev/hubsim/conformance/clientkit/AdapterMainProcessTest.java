package dev.hubsim.conformance.clientkit;

import dev.hubsim.conformance.client.AdapterChannel;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference client's adapter executable speaks protocol v1 as a child process and reaches the hub. */
class AdapterMainProcessTest {
    @Test
    void referenceAdapterExecutableOpensAConnection() throws Exception {
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String command = javaBin + " -cp " + System.getProperty("java.class.path") + " dev.hubsim.client.adapter.AdapterMain";
        dev.hubsim.conformance.client.HubSide hub = ClientKit.sharedHub();
        try (AdapterChannel adapter = AdapterChannel.start(command, new File("."))) {
            assertEquals(2, adapter.hello().path("version").asInt());
            assertTrue(adapter.capabilities().contains("receiver"), adapter.hello().toString());
            assertTrue(adapter.call("configure", Map.of("caPem", hub.caPem())).ok());
            assertTrue(adapter.call("openconnection", Map.of("object", "c1", "url", hub.amqpsUrl())).ok());
            assertEquals(false, adapter.call("isopen", Map.of("object", "c1")).result().path("open").asBoolean());
            AdapterChannel.Received open = adapter.await(0, r -> r.event.path("name").asText().equals("CONNECTION_OPEN"),
                    java.time.Duration.ofSeconds(10));
            assertNotNull(open, "CONNECTION_OPEN from the adapter process: " + adapter.events(0));
            assertTrue(open.event.path("errorDetail").isNull());
            assertEquals(true, adapter.call("isopen", Map.of("object", "c1")).result().path("open").asBoolean());
        }
    }
}
