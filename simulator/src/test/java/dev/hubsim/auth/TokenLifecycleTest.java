package dev.hubsim.auth;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.ExportedTrust;
import dev.hubsim.testing.Waits;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A claim lives as long as its token (reference/iothub-amqp.md §3.7; seed "Additional notes"): at expiry the links it
 * covered are detached with {@code amqp:unauthorized-access}, unless a renewed token for the same audience came in time.
 */
class TokenLifecycleTest {
    private static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");

    private static HubSimulator start(Path dir, int port, Duration maxLifetime) {
        return HubSimulator.builder().dataDir(dir).amqpsPort(port).amqpPort(0).httpsPort(0).mqttsPort(0).clockSkew(Duration.ZERO).maxTokenLifetime(maxLifetime).start();
    }

    private static Message telemetry(String body) {
        Message m = Proton.message();
        m.setBody(new Data(AmqpTestClient.binary(body)));
        return m;
    }

    @Test
    void aClientThatDoesNotRenewLosesItsLinksWhenTheTokenExpires(@TempDir Path dir) throws Exception {
        try (HubSimulator hub = start(dir, 0, Duration.ofSeconds(1));
             AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            long granted = System.nanoTime();
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("while valid")));
            ErrorCondition error = client.awaitClosed(sender);
            double seconds = (System.nanoTime() - granted) / 1e9;
            assertEquals(UNAUTHORIZED, error.getCondition());
            assertTrue(error.getDescription().startsWith("Token Invalid. The token for audience '127.0.0.1/devices/device1' expired at "),
                    error.getDescription());
            assertTrue(seconds >= 0.9, "detached only at expiry, after " + seconds + " s");
            assertEquals(EndpointState.ACTIVE, client.remoteConnectionState(), "a CBS connection stays open; only its links go");
        }
    }

    @Test
    void aRenewalInTimeKeepsTheLinks(@TempDir Path dir) throws Exception {
        // No lifetime cap: the first token's own se (a few seconds ahead, no clock skew) ends its claim; the renewal lasts an hour.
        try (HubSimulator hub = start(dir, 0, null);
             AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            assertEquals(Integer.valueOf(200), cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device1",
                    hub.deviceToken("device1", Duration.ofSeconds(3))).statusCode());
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("before the renewal")));
            assertEquals(Integer.valueOf(200), cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device1",
                    hub.deviceToken("device1", Duration.ofHours(1))).statusCode());
            // The first token's expiry passes and finds the renewal (a hub that ignored it would detach the link instead).
            Waits.until("the first token's expiry to pass", Duration.ofSeconds(10), () -> hub.traces().query()
                    .type(TraceRecord.FrameType.LIMIT).where(r -> r.fields().containsKey("claim-renewed") || r.fields().containsKey("claim-expired"))
                    .first().isPresent());
            assertTrue(hub.traces().query().type(TraceRecord.FrameType.LIMIT).where(r -> r.fields().containsKey("claim-expired")).list().isEmpty(),
                    "no claim expired: " + hub.traces().query().type(TraceRecord.FrameType.LIMIT).list());
            assertInstanceOf(Accepted.class, client.send(sender, telemetry("after the first expiry")));
            assertTrue(client.isAttached(sender));
        }
    }

    @Test
    void aSaslPlainConnectionIsClosedWhenItsTokenExpires(@TempDir Path dir) throws Exception {
        try (HubSimulator hub = start(dir, 0, Duration.ofSeconds(1));
             AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(),
                     SaslChoice.plain("device1@sas.simhub", hub.deviceToken("device1", Duration.ofHours(1)))).awaitOpen()) {
            ErrorCondition error = client.awaitConnectionClosed();
            assertEquals(UNAUTHORIZED, error.getCondition());
            assertTrue(error.getDescription().startsWith("Token Invalid."), error.getDescription());
        }
    }

    @Test
    void theAzureDeviceSdkRenewsAShortTokenAndKeepsSending(@TempDir Path dir) throws Exception {
        try (HubSimulator hub = start(dir, HubSimulator.SDK_AMQPS_PORT, null)) {
            SimulatorInfo info = hub.info();
            SimulatorInfo.DeviceEntry device = info.devices().get(0);
            // 6 s tokens: the SDK renews at 85% of the lifetime, about 5.1 s in.
            DeviceClient client = new DeviceClient(device.connectionString(), IotHubClientProtocol.AMQPS,
                    ClientOptions.builder().sslContext(ExportedTrust.sslContext(info)).sasTokenExpiryTime(6).build());
            try {
                client.open(true);
                client.sendEvent(new com.microsoft.azure.sdk.iot.device.Message("before renewal"));
                Waits.until("two put-tokens from the SDK", Duration.ofSeconds(20),
                        () -> hub.traces().query().identity(device.deviceId()).type(TraceRecord.FrameType.CBS_REQUEST).list().size() >= 2);
                client.sendEvent(new com.microsoft.azure.sdk.iot.device.Message("after renewal"));
            } finally {
                client.close();
            }
            assertTrue(hub.traces().query().type(TraceRecord.FrameType.LIMIT).where(r -> r.fields().containsKey("claim-expired")).list().isEmpty(),
                    "no claim expired: the SDK renewed in time");
            assertEquals(2, hub.telemetry(device.deviceId()).stream()
                    .map(t -> new String(t.body(), StandardCharsets.UTF_8)).filter(b -> b.endsWith("renewal")).count());
            assertTrue(hub.traces().query().identity(device.deviceId()).type(TraceRecord.FrameType.DETACH)
                    .where(r -> "amqp:unauthorized-access".equals(r.fields().get("condition"))).list().isEmpty(), "no link was detached");
        }
    }
}
