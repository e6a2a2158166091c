package dev.hubsim.eventhub;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory is bounded by retention, and each retained event costs its encoded bytes plus a small fixed overhead.
 * Prints the measured cost per retained event, the figure the README quotes.
 */
class EventStoreMemoryTest {

    /** A telemetry message as the hub stores it: the device SDK's properties plus every stamped annotation. */
    private static byte[] typicalEvent(long sequence) {
        Message m = Proton.message();
        m.setMessageId(UUID.randomUUID().toString());
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("temperature", "21.5");
        props.put("alert", "false");
        m.setApplicationProperties(new ApplicationProperties(props));
        Map<Symbol, Object> ann = new LinkedHashMap<>();
        ann.put(Symbol.valueOf("iothub-connection-device-id"), "device1");
        ann.put(Symbol.valueOf("iothub-connection-auth-method"), "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
        ann.put(Symbol.valueOf("iothub-connection-auth-generation-id"), "638123456789012345");
        ann.put(Symbol.valueOf("iothub-enqueuedtime"), new Date());
        ann.put(Symbol.valueOf("iothub-message-source"), "Telemetry");
        ann.put(Symbol.valueOf("x-opt-sequence-number"), sequence);
        ann.put(Symbol.valueOf("x-opt-offset"), Long.toString(sequence * 450));
        ann.put(Symbol.valueOf("x-opt-enqueued-time"), new Date());
        m.setMessageAnnotations(new MessageAnnotations(ann));
        m.setBody(new Data(new Binary("{\"temperature\":21.5,\"humidity\":40}".getBytes(StandardCharsets.UTF_8))));
        byte[] buffer = new byte[2048];
        return Arrays.copyOf(buffer, m.encode(buffer, 0, buffer.length));
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void retainedEventsAreBoundedByRetentionAndCostTheirBytesPlusAFixedOverhead() {
        int retained = 20_000;
        EventHubSettings settings = new EventHubSettings("simhub", "localhost", 1, List.of("$Default"), Duration.ofDays(1), retained);
        byte[] template = typicalEvent(0);
        long before = usedHeap();
        EventStore store = new EventStore(settings, Clock.systemUTC(), null);
        Partition partition = store.partition("0");
        for (int i = 0; i < retained + 10_000; i++) {
            partition.append("device1", (seq, offset, time) -> template.clone());
        }
        long after = usedHeap();
        assertEquals(retained, partition.size(), "only the retained events are kept");
        assertEquals(10_000L, partition.runtimeInfo().beginSequenceNumber());
        double perEvent = (after - before) / (double) retained;
        System.out.printf("hubsim figure: %d retained events of %d encoded bytes use %.0f bytes of heap each (%.0f bytes over their encoding)%n",
                retained, template.length, perEvent, perEvent - template.length);
        // Decoded Proton messages would cost several kilobytes each; stored bytes stay close to their encoding.
        assertTrue(perEvent < 2.0 * template.length + 200, "per-event heap " + perEvent + " for " + template.length + " encoded bytes");
        store.close();
    }
}
