package dev.hubsim.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import dev.hubsim.trace.TraceRecord.Direction;
import dev.hubsim.trace.TraceRecord.FrameType;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection protocol trace: every frame in order, CBS decoded, queries, exports, and its bound. */
class ProtocolTraceTest {

    private static HubSimulator start(int recordsPerConnection) {
        return HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .tracing(true, recordsPerConnection).start();
    }

    private static void sendOne(HubSimulator hub, String body) throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "telemetry", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(AmqpTestClient.binary(body)));
            client.send(sender, m);
            client.closeGracefully();
        }
    }

    @Test
    void everyFrameIsRecordedInOrderWithCbsDecoded() throws Exception {
        try (HubSimulator hub = start(10_000)) {
            sendOne(hub, "traced");
            ConnectionTrace trace = hub.traces().connections().get(0);
            List<FrameType> types = trace.records().stream().map(TraceRecord::type).toList();
            // The client pipelines its header and sasl-init, so only the order within each direction is fixed.
            List<TraceRecord> records = trace.records();
            assertEquals(List.of(FrameType.SASL_HEADER, FrameType.SASL_INIT, FrameType.AMQP_HEADER, FrameType.OPEN),
                    records.stream().filter(r -> r.direction() == Direction.IN).map(TraceRecord::type).toList().subList(0, 4), types.toString());
            assertEquals(List.of(FrameType.SASL_HEADER, FrameType.SASL_MECHANISMS, FrameType.SASL_OUTCOME, FrameType.AMQP_HEADER, FrameType.OPEN),
                    records.stream().filter(r -> r.direction() == Direction.OUT).map(TraceRecord::type).toList().subList(0, 5), types.toString());
            for (FrameType expected : List.of(FrameType.AMQP_HEADER, FrameType.OPEN, FrameType.BEGIN, FrameType.ATTACH, FrameType.FLOW,
                    FrameType.TRANSFER, FrameType.DISPOSITION, FrameType.CBS_REQUEST, FrameType.CBS_REPLY, FrameType.CLOSE)) {
                assertTrue(types.contains(expected), expected + " recorded: " + types);
            }
            TraceRecord init = records.stream().filter(r -> r.type() == FrameType.SASL_INIT).findFirst().orElseThrow();
            assertEquals(Direction.IN, init.direction());
            assertEquals("ANONYMOUS", init.fields().get("mechanism"));

            TraceRecord cbsReply = hub.traces().query().type(FrameType.CBS_REPLY).first().orElseThrow();
            assertEquals(200, cbsReply.fields().get("status-code"));
            TraceRecord cbsRequest = hub.traces().query().type(FrameType.CBS_REQUEST).first().orElseThrow();
            assertEquals("127.0.0.1/devices/device1", cbsRequest.fields().get("name"));

            TraceRecord attach = hub.traces().query().identity("device1").path("/devices/device1/messages/events")
                    .type(FrameType.ATTACH).direction(Direction.IN).first().orElseThrow();
            assertEquals("telemetry", attach.fields().get("name"));
            assertEquals("sender", attach.fields().get("role"));
            assertTrue(cbsRequest.happenedBefore(attach), "put-token before the device link's attach");
            TraceRecord transfer = hub.traces().query().path("/devices/device1/messages/events").type(FrameType.TRANSFER).first().orElseThrow();
            assertEquals(false, transfer.fields().get("settled"));
            assertTrue(attach.happenedBefore(transfer));
            TraceRecord flow = hub.traces().query().path("/devices/device1/messages/events").type(FrameType.FLOW).direction(Direction.OUT).first().orElseThrow();
            assertTrue(((Number) flow.fields().get("link-credit")).intValue() > 0, "the hub's flow gives credit: " + flow);
            assertFalse(trace.isOpen());
        }
    }

    @Test
    void tracesExportAsJsonLinesAndReadableText() throws Exception {
        try (HubSimulator hub = start(10_000)) {
            sendOne(hub, "exported");
            ConnectionTrace trace = hub.traces().connections().get(0);
            String[] lines = trace.toJsonLines().split("\n");
            assertEquals(trace.records().size(), lines.length);
            ObjectMapper json = new ObjectMapper();
            long previous = 0;
            for (String line : lines) {
                JsonNode node = json.readTree(line);
                assertTrue(node.get("sequence").asLong() > previous, "in order");
                previous = node.get("sequence").asLong();
                assertEquals(trace.connectionId(), node.get("connectionId").asText());
            }
            String text = trace.toText();
            assertTrue(text.startsWith("connection " + trace.connectionId() + " from 127.0.0.1:"), text);
            assertTrue(text.contains("<- ATTACH [") && text.contains("/devices/device1/messages/events"), text);
            assertTrue(text.contains("-> CBS_REPLY"), text);
        }
    }

    @Test
    void aTraceKeepsAtMostItsCapacityAndCountsWhatItDropped() throws Exception {
        try (HubSimulator hub = start(12)) {
            sendOne(hub, "bounded");
            ConnectionTrace trace = hub.traces().connections().get(0);
            assertEquals(12, trace.records().size());
            assertTrue(trace.dropped() > 0);
            assertEquals(FrameType.CLOSE, trace.records().get(trace.records().size() - 1).type(), "the newest records are kept");
        }
    }

    @Test
    void framesCanBeLeftOutWhileCbsIsStillRecorded() throws Exception {
        try (HubSimulator hub = HubSimulator.builder().dataDir(HubSimulatorExtension.DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .tracing(false, 100).start()) {
            sendOne(hub, "quiet");
            List<TraceRecord> all = hub.traces().query().list();
            assertTrue(all.stream().noneMatch(r -> r.type() == FrameType.ATTACH));
            assertTrue(all.stream().anyMatch(r -> r.type() == FrameType.CBS_REQUEST));
        }
    }
}
