package dev.hubsim.amqp.link;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A device's sender on /messages/serviceBound/feedback (seed: device link paths): attaches, each message is refused. */
class DeviceFeedbackLinkTest {
    private static HubSimulator start() {
        return HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).start();
    }

    @Test
    void aDeviceSenderAttachesAndEachMessageIsRejectedNotImplemented() throws Exception {
        try (HubSimulator hub = start(); AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslMode.plain("device1@sas." + hub.info().hubName(), hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen()) {
            Sender sender = device.sender(device.session(), "feedback", "/messages/serviceBound/feedback");
            assertTrue(device.isAttached(sender), "attached, as the seed's device link paths list it");
            Message m = Proton.message();
            m.setBody(new AmqpValue("complete lock token 1"));
            Rejected rejected = assertInstanceOf(Rejected.class, device.send(sender, m));
            assertEquals(Symbol.valueOf("amqp:not-implemented"), rejected.getError().getCondition());
            assertTrue(rejected.getError().getDescription().contains("/devices/{deviceId}/messages/devicebound"), rejected.getError().getDescription());
            assertInstanceOf(Rejected.class, device.send(sender, m), "the link stays up");
        }
    }

    @Test
    void withoutADeviceClaimTheAttachIsRefused() throws Exception {
        try (HubSimulator hub = start(); AmqpTestClient service = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                SaslMode.plain("service@sas.root." + hub.info().hubName(), hub.policyToken("service", Duration.ofHours(1)))).awaitOpen()) {
            Sender sender = service.sender(service.session(), "feedback", "/messages/serviceBound/feedback");
            ErrorCondition error = service.awaitClosed(sender);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
        }
    }
}
