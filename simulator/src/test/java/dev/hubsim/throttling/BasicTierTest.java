package dev.hubsim.throttling;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A B1 hub: telemetry flows, cloud-to-device links are refused as a basic tier lacks them (403010). */
class BasicTierTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().tier(Tier.B1, 1).build();

    private static HubSimulator hub() {
        return HUB.simulator();
    }

    @Test
    void telemetryFlowsAndCloudToDeviceIsRefusedOnBothEnds() throws Exception {
        try (AmqpTestClient device = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen();
             AmqpTestClient service = AmqpTestClient.tls(hub().amqpsPort(), hub().tls().clientContext(), SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub().deviceToken("device1", Duration.ofHours(1)));
            Sender events = device.sender(device.session(), "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(AmqpTestClient.binary("basic")));
            assertInstanceOf(Accepted.class, device.send(events, m));

            Receiver inbox = device.receiver(device.session(), "c2d", "/devices/device1/messages/devicebound", 10);
            ErrorCondition refused = device.awaitClosed(inbox);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), refused.getCondition());
            assertTrue(refused.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): cloud-to-device sends"), refused.getDescription());

            Receiver methods = device.receiver(device.session(), "methods", "/devices/device1/methods/devicebound", 10);
            ErrorCondition noMethods = device.awaitClosed(methods);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), noMethods.getCondition());
            assertTrue(noMethods.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): direct methods"), noMethods.getDescription());

            Sender twin = device.sender(device.session(), "twin", "/devices/device1/twin",
                    java.util.Map.of(Symbol.valueOf("com.microsoft:channel-correlation-id"), "twin:" + UUID.randomUUID()));
            ErrorCondition noTwin = device.awaitClosed(twin);
            assertEquals(Symbol.valueOf("amqp:not-allowed"), noTwin.getCondition());
            assertTrue(noTwin.getDescription().startsWith("OperationNotAvailableInCurrentTier (403010): twin reads"), noTwin.getDescription());

            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub().policyToken("service", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "s", "/messages/devicebound");
            assertEquals(Symbol.valueOf("amqp:not-allowed"), service.awaitClosed(outbox).getCondition());
            assertEquals("tier B1 x 1 unit", hub().throttling().settings().describe());
        }
    }
}
