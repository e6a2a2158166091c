package dev.hubsim.modules;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.registry.Module;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.AmqpTestClient.SaslMode;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Module identities on the AMQP face (issue 15): a module authenticates with its own key, its telemetry is stamped with
 * {@code iothub-connection-module-id}, a device's claim does not open its modules' links nor a module's claim its
 * device's, an unknown module is not found, cloud-to-device is refused for modules, and a deleted module loses its links.
 */
class ModuleIdentityTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();
    private static final String KEY = Base64.getEncoder().encodeToString("a-module-key-made-for-this-test".getBytes());

    private static AmqpTestClient connect(dev.hubsim.probe.SaslChoice sasl) throws Exception {
        return AmqpTestClient.tls(HUB.simulator().amqpsPort(), HUB.simulator().tls().clientContext(), sasl);
    }

    private static String host() {
        return HUB.simulator().hub().primaryHostName();
    }

    @Test
    void aModuleTokenOpensTheModulesTelemetryWhichIsStampedWithTheModuleId() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = connect(SaslMode.anonymous()).awaitOpen()) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), host() + "/devices/device1/modules/module1",
                    hub.moduleToken("device1", "module1", Duration.ofHours(1)));
            assertEquals(Integer.valueOf(200), reply.statusCode());
            Sender sender = client.sender(client.session(), "m", "/devices/device1/modules/module1/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, message("from the module")));
        }
        RecordedTelemetry stored = hub.telemetry("device1").get(0);
        assertEquals("module1", stored.annotations().get("iothub-connection-module-id"));
        assertEquals("device1", stored.annotations().get("iothub-connection-device-id"));
        assertTrue(String.valueOf(stored.annotations().get("iothub-connection-auth-method")).contains("\"scope\":\"module\""));
    }

    @Test
    void aDeviceClaimDoesNotOpenItsModulesLinksNorAModuleClaimItsDevices() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = connect(SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), host() + "/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            Sender own = client.sender(client.session(), "own", "/devices/device1/messages/events");
            assertInstanceOf(Accepted.class, client.send(own, message("device")));
            Sender module = client.sender(client.session(), "module", "/devices/device1/modules/module1/messages/events");
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), client.awaitClosed(module).getCondition());
        }
        try (AmqpTestClient client = connect(SaslMode.plain("device1/modules/module1@sas.simhub",
                hub.moduleToken("device1", "module1", Duration.ofHours(1)))).awaitOpen()) {
            Sender device = client.sender(client.session(), "device", "/devices/device1/messages/events");
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), client.awaitClosed(device).getCondition());
            Sender module = client.sender(client.session(), "module", "/devices/device1/modules/module1/messages/events");
            assertInstanceOf(Accepted.class, client.send(module, message("module over PLAIN")));
        }
        try (AmqpTestClient client = connect(SaslMode.plain("device1/modules/module1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1))))) {
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.awaitSaslOutcome(), "a device token does not log in as its module");
        }
    }

    @Test
    void anUnknownModuleIsNotFoundAndModulesGetNoCloudToDevice() throws Exception {
        HubSimulator hub = HUB.simulator();
        try (AmqpTestClient client = connect(SaslMode.anonymous()).awaitOpen()) {
            CbsClient.Reply reply = new CbsClient(client).putToken(UUID.randomUUID(), host() + "/devices/device1/modules/ghost",
                    hub.moduleToken("device1", "module1", Duration.ofHours(1)).replace("module1", "ghost"));
            assertEquals(Integer.valueOf(401), reply.statusCode(), "a token for a module the hub does not have");
            // The hub-scoped device policy may act for any device or module: the address is then judged on its own.
            new CbsClient(client).putToken(UUID.randomUUID(), host(), hub.policyToken("device", Duration.ofHours(1)));
            Sender ghost = client.sender(client.session(), "ghost", "/devices/device1/modules/ghost/messages/events");
            ErrorCondition notFound = client.awaitClosed(ghost);
            assertEquals(Symbol.valueOf("amqp:not-found"), notFound.getCondition());
            assertEquals(HubErrors.unknownModule("device1", "ghost"), notFound.getDescription());
            // The Java ModuleClient attaches this receiver with its telemetry: it attaches, and nothing ever comes on it.
            Receiver c2d = client.receiver(client.session(), "c2d", "/devices/device1/modules/module1/messages/devicebound", 1);
            assertTrue(client.isAttached(c2d));
            hub.cloudToDevice().send("device1", new byte[]{7}, java.util.Map.of());
            Receiver deviceC2d = client.receiver(client.session(), "device-c2d", "/devices/device1/messages/devicebound", 1);
            Binary received = ((Data) client.receive(deviceC2d).getBody()).getValue();
            assertEquals(7, received.getArray()[received.getArrayOffset()], "the device gets its own message");
            assertEquals(0, c2d.getQueued(), "the device's message did not go to its module");
        }
        Message toModule = Proton.message();
        toModule.setAddress("/devices/device1/modules/module1/messages/devicebound");
        toModule.setBody(new Data(new Binary(new byte[]{1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hub.cloudToDevice().send(toModule));
        assertEquals("amqp:not-allowed: " + HubErrors.noCloudToDeviceForModules("device1", "module1"), e.getMessage());
        toModule.setAddress("/devices/device1/modules/ghost/messages/devicebound");
        e = assertThrows(IllegalArgumentException.class, () -> hub.cloudToDevice().send(toModule));
        assertEquals("amqp:not-found: " + HubErrors.unknownModule("device1", "ghost"), e.getMessage());
    }

    @Test
    void aDeletedModuleLosesItsLinksWhileItsDeviceKeepsItsOwn() throws Exception {
        HubSimulator hub = HUB.simulator();
        hub.hub().registry().modules().put(new Module("device2", "short-lived", KEY, KEY, "1", null));
        try (AmqpTestClient client = connect(SaslMode.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            cbs.putToken(UUID.randomUUID(), host() + "/devices/device2", hub.deviceToken("device2", Duration.ofHours(1)));
            cbs.putToken(UUID.randomUUID(), host() + "/devices/device2/modules/short-lived", hub.moduleToken("device2", "short-lived", Duration.ofHours(1)));
            Sender device = client.sender(client.session(), "device", "/devices/device2/messages/events");
            Sender module = client.sender(client.session(), "module", "/devices/device2/modules/short-lived/messages/events");
            assertInstanceOf(Accepted.class, client.send(module, message("before")));
            hub.hub().registry().modules().remove("device2", "short-lived");
            ErrorCondition gone = client.awaitClosed(module);
            assertEquals(Symbol.valueOf("amqp:unauthorized-access"), gone.getCondition());
            assertTrue(gone.getDescription().endsWith("module 'device2/short-lived' was deleted."), gone.getDescription());
            assertInstanceOf(Accepted.class, client.send(device, message("after")), "the device's own link stays");
        }
        List<RecordedTelemetry> stored = hub.telemetry("device2");
        assertEquals(2, stored.size());
    }

    private static Message message(String body) {
        Message m = Proton.message();
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }
}
