package dev.hubsim;

import dev.hubsim.config.HubConfig;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DisabledDeviceTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().hub(new HubConfig("simhub", null, List.of(
            new HubConfig.DeviceSpec("active", null, null, null),
            new HubConfig.DeviceSpec("parked", null, null, DeviceStatus.DISABLED),
            new HubConfig.DeviceSpec("soon-off", null, null, null)), null)).build();

    private static AmqpTestClient connect(SaslChoice sasl) throws Exception {
        return AmqpTestClient.tls(HUB.simulator().amqpsPort(), HUB.simulator().tls().clientContext(), sasl);
    }

    @Test
    void aDisabledDevicesTokenIsRefusedOverCbsAndSaslPlain() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = connect(SaslChoice.anonymous()).awaitOpen()) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/parked", hub.deviceToken("parked", Duration.ofHours(1)));
            assertEquals(Integer.valueOf(401), reply.statusCode());
            assertEquals("Device 'parked' is disabled.", reply.statusDescription());
        }
        try (AmqpTestClient client = connect(SaslChoice.plain("parked@sas.simhub", hub.deviceToken("parked", Duration.ofHours(1))))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.awaitSaslOutcome());
        }
    }

    @Test
    void aDeviceDisabledWhileConnectedLosesItsLinks() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = connect(SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/soon-off", hub.deviceToken("soon-off", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/soon-off/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, message("before")));
            hub.hub().registry().setStatus("soon-off", DeviceStatus.DISABLED);
            org.apache.qpid.proton.amqp.transport.ErrorCondition error = client.awaitClosed(sender);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), error.getCondition());
            assertTrue(error.getDescription().endsWith("is no longer valid: device 'soon-off' is disabled."), error.getDescription());
        }
        assertEquals(1, hub.telemetry("soon-off").size(), "only the message sent while enabled was stored");
    }

    private static Message message(String body) {
        Message m = Proton.message();
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }
}
