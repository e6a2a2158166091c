package dev.hubsim.limits;

import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.HubSimulator;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.testing.Waits;
import dev.hubsim.trace.ConnectionTrace;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-connection state and trace buffers stop at their configured bounds however long a client keeps going: each
 * test drives one past its bound and counts the entries held (a structure that grew with the input would fail).
 * Retained events: {@code EventStoreMemoryTest}; feedback messages: {@code FeedbackCeilingTest}.
 */
class ResourceCeilingsTest {
    private static final int CLAIMS = 50;
    private static final int TRACE_RECORDS = 200;
    private static HubSimulator hub;

    @BeforeAll
    static void start(@TempDir Path dir) {
        hub = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).tracing(true, TRACE_RECORDS)
                .limits(LimitProfile.iothub().with(LimitKind.CLAIMS_PER_CONNECTION, CLAIMS, LimitMode.ENFORCE)).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static ConnectionInfo describe(AmqpTestClient client, String identity) {
        return hub.connections().stream().filter(c -> c.identities().contains(identity)).findFirst().orElseThrow();
    }

    @Test
    void renewingOneAudienceAThousandTimesHoldsOneClaimAndOneExpiryTimer() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            for (int i = 0; i < 1000; i++) {
                // Each renewal a little later than the last, as an SDK's would be.
                assertEquals(200, cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device1",
                        hub.deviceToken("device1", Duration.ofHours(1).plusSeconds(i))).statusCode());
            }
            ConnectionInfo d = describe(client, "device1");
            assertEquals(1, d.claims());
            assertEquals(1, d.expiryTimers(), "one timer per audience, not one per put-token");
        }
    }

    @Test
    void claimsStopAtTheCapWith403AndRenewalsStillPass() throws Exception {
        try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen()) {
            CbsClient cbs = new CbsClient(client);
            String token = hub.deviceToken("device2", Duration.ofHours(1));
            int granted = 0;
            int refused = 0;
            for (int i = 0; i < CLAIMS + 20; i++) {
                // Sub-scopes of the device's token: each a distinct audience the token covers.
                CbsClient.Reply reply = cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device2/scope-" + i, token);
                if (Integer.valueOf(200).equals(reply.statusCode())) {
                    granted++;
                } else {
                    assertEquals(403, reply.statusCode());
                    assertEquals("IotHubMaxCbsTokenExceeded: this connection already holds claims for 50 audiences; renew one of them or open "
                            + "another connection.", reply.statusDescription());
                    refused++;
                }
            }
            assertEquals(CLAIMS, granted);
            assertEquals(20, refused);
            assertEquals(200, cbs.putToken(UUID.randomUUID(), "127.0.0.1/devices/device2/scope-0", token).statusCode(), "a renewal still passes");
            ConnectionInfo d = describe(client, "device2");
            assertEquals(CLAIMS, d.claims());
            assertEquals(CLAIMS, d.expiryTimers());
        }
    }

    @Test
    void aConnectionsTraceKeepsItsLastRecordsOnlyAndClosedTracesAreCapped() throws Exception {
        String id;
        try (AmqpTestClient client = AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device3", hub.deviceToken("device3", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/device3/messages/events");
            for (int i = 0; i < 300; i++) {
                Message m = Proton.message();
                m.setBody(new Data(new Binary(("m" + i).getBytes())));
                assertInstanceOf(Accepted.class, client.send(sender, m));
            }
            id = describe(client, "device3").id();
            ConnectionTrace trace = hub.traces().connection(id).orElseThrow();
            assertEquals(TRACE_RECORDS, trace.records().size(), "at most the configured records per connection");
            assertTrue(trace.dropped() >= 600 - TRACE_RECORDS, "the oldest were dropped: " + trace.dropped());
        }
        for (int i = 0; i < 150; i++) {
            AmqpTestClient.plain(hub.amqpPort(), SaslChoice.anonymous()).awaitOpen().closeGracefully();
        }
        Waits.until("closed connections to be traced", Duration.ofSeconds(10), () -> hub.connectionCount() == 0);
        int traces = hub.traces().connections().size();
        assertTrue(traces <= 100, "closed connections' traces are capped at 100, found " + traces);
    }
}
