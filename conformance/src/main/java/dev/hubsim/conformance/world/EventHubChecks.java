package dev.hubsim.conformance.world;

import dev.hubsim.probe.Endpoint;
import dev.hubsim.probe.EventHubProbe;
import dev.hubsim.probe.ProbeConnection.Received;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The redirect to the Event Hub-compatible endpoint and reading it (reference/iothub-amqp.md §5, §6): which partition
 * a device's telemetry went to, the events' x-opt annotations, and where a selector filter starts a receiver.
 */
public final class EventHubChecks {
    private static final String CONSUMER_GROUP = "$Default";
    private final HubWorld w;
    private EventHubProbe eventHub;
    private Map<String, Long> notedSequenceNumbers;
    private String partition;
    /** The events read back, in the order the device sent them. */
    private final List<Received> events = new ArrayList<>();
    private Received firstFiltered;

    EventHubChecks(HubWorld world) {
        this.w = world;
    }

    /** Attaches a receiver and keeps the outcome, whether it attached or was refused (a redirect is a refusal). */
    public void attachReceiver(String actor, String address) {
        w.actAs(actor);
        Receiver receiver = w.connection().receiver(w.session(), "probe-receiver-" + UUID.randomUUID(), w.expand(address), 10);
        w.attach = w.connection().awaitAttach(receiver);
    }

    private Map<?, ?> refusalInfo() {
        return w.attach.error() == null || w.attach.error().getInfo() == null ? Map.of() : w.attach.error().getInfo();
    }

    private Object infoValue(String key) {
        return refusalInfo().get(Symbol.valueOf(key));
    }

    public void expectRefusalInfoKeys(List<String> keys) {
        List<String> missing = keys.stream().filter(k -> infoValue(k) == null).toList();
        w.verdicts.expect(missing.isEmpty(), "keys of the refusal's info map", keys + " (symbol keys)", refusalInfo() + ", missing " + missing);
    }

    public void expectRefusalInfoEndsWith(String key, String suffix) {
        Object value = infoValue(key);
        w.verdicts.expect(value != null && value.toString().endsWith(w.expand(suffix)), "refusal info " + key, "... " + w.expand(suffix),
                Verdicts.typed(value));
    }

    /**
     * Attaches to a hub events path, expects the redirect, and connects to the endpoint it names. The Event Hub name is
     * taken to be the hub's name, as the .NET sample does (reference/iothub-amqp.md §5.3), so a redirect without a
     * usable address still lets the endpoint be checked on its own.
     */
    public void followRedirect(String address) throws Exception {
        attachReceiver(HubWorld.SERVICE, address);
        w.links().expectRefused("amqp:link:redirect");
        Object host = infoValue("network-host");
        Object port = infoValue("port");
        Object hostName = infoValue("hostname");
        w.verdicts.expect(host != null && port instanceof Number && hostName != null, "where the redirect points",
                "network-host, port (a number) and hostname", refusalInfo());
        Endpoint endpoint = new Endpoint(host.toString(), ((Number) port).intValue(), w.target().trust(), hostName.toString());
        eventHub = EventHubProbe.open(endpoint, hostName.toString(), w.target().hubName(), w.target().service());
    }

    public void expectEndpointGrantsPolicyToken() {
        Object status = eventHub.putTokenReply().statusCode();
        w.verdicts.expect(status instanceof Number n && n.intValue() == 200, "the endpoint's reply to an Event Hubs token of the service policy",
                "status-code 200", Verdicts.typed(status) + " " + eventHub.putTokenReply().statusDescription());
    }

    public void notePartitions() {
        notedSequenceNumbers = new LinkedHashMap<>();
        for (String id : eventHub.partitionIds()) {
            notedSequenceNumbers.put(id, eventHub.lastSequenceNumber(id));
        }
        w.verdicts.expect(!notedSequenceNumbers.isEmpty(), "partition_ids of the Event Hub", "at least one", notedSequenceNumbers);
    }

    /** The one partition whose last sequence number moved since they were noted. */
    private String grownPartition() {
        Map<String, Long> grown = new LinkedHashMap<>();
        notedSequenceNumbers.forEach((id, before) -> {
            long now = eventHub.lastSequenceNumber(id);
            if (now != before) {
                grown.put(id, now);
            }
        });
        w.verdicts.expect(grown.size() == 1, "partitions whose last_enqueued_sequence_number moved after one device's telemetry",
                "exactly one", grown + " (before: " + notedSequenceNumbers + ")");
        return grown.keySet().iterator().next();
    }

    private Receiver readerFromNoted() {
        return eventHub.receiverAfter(CONSUMER_GROUP, partition, notedSequenceNumbers.get(partition), 10);
    }

    private Received next(Receiver receiver) {
        Received r = eventHub.connection().awaitMessage(receiver);
        eventHub.connection().settle(r, Accepted.getInstance());
        eventHub.connection().flow(receiver, 1);
        return r;
    }

    /** Finds the partition the telemetry went to and reads the message there; the annotation checks look at it. */
    public void readTelemetry(String consumerGroup) {
        partition = grownPartition();
        Receiver receiver = eventHub.receiverAfter(w.expand(consumerGroup), partition, notedSequenceNumbers.get(partition), 10);
        Received r = next(receiver);
        w.c2d().look(r);
        w.verdicts.expectEqual("message-id of the first event after the noted sequence number", w.links().lastTelemetry().getMessageId(),
                r.message().getMessageId());
    }

    public void expectSameTelemetryProperties(String actor) {
        String differences = CloudToDeviceChecks.differences(w.links().lastTelemetry(), w.c2d().received.message());
        w.verdicts.expect(differences.isEmpty(), "properties of the event", "as " + actor + " set them", differences);
    }

    public void sendSeveral(int count) {
        for (int i = 0; i < count; i++) {
            w.links().sendTelemetryExpecting(100, "Accepted");
        }
    }

    /** One partition grew, and reading it from the noted position gives the device's messages in the order sent. */
    public void expectOnePartitionWith(int count) {
        partition = grownPartition();
        Receiver receiver = readerFromNoted();
        List<Message> sent = w.links().sentTelemetry;
        for (int i = 0; i < count; i++) {
            Received r = next(receiver);
            events.add(r);
            w.verdicts.expectEqual("message-id of event " + (i + 1) + " in partition " + partition, sent.get(sent.size() - count + i).getMessageId(),
                    r.message().getMessageId());
        }
    }

    /**
     * The events read by {@link #expectOnePartitionWith} each carry their own place in the partition (sequence numbers
     * one after another), the hub's stamp of the sending device, and their own body and application properties.
     */
    public void expectEachStampedAndNumbered(String actor) {
        List<Message> sent = w.links().sentTelemetry;
        Long previous = null;
        for (int i = 0; i < events.size(); i++) {
            Message event = events.get(i).message();
            Map<Symbol, Object> a = event.getMessageAnnotations() == null ? Map.of() : event.getMessageAnnotations().getValue();
            Object sequence = a.get(Symbol.valueOf("x-opt-sequence-number"));
            w.verdicts.expect(sequence instanceof Long n && (previous == null || n == previous + 1), "x-opt-sequence-number of event " + (i + 1),
                    previous == null ? "a long" : "the previous event's + 1 = " + (previous + 1), Verdicts.typed(sequence));
            previous = sequence instanceof Long n ? n : previous;
            w.verdicts.expectEqual("iothub-connection-device-id of event " + (i + 1), w.device(actor).deviceId(),
                    a.get(Symbol.valueOf("iothub-connection-device-id")));
            Message original = sent.get(sent.size() - events.size() + i);
            String differences = CloudToDeviceChecks.differences(original, event);
            w.verdicts.expect(differences.isEmpty(), "properties of event " + (i + 1), "as sent in the batch", differences);
            w.verdicts.expectEqual("body of event " + (i + 1), ((Data) original.getBody()).getValue(),
                    event.getBody() instanceof Data d ? d.getValue() : event.getBody());
        }
    }

    /**
     * Sends {@code count} messages and reads them back with their annotations. The first is read back before the others
     * are sent, so the later ones are enqueued at a later time than the first.
     */
    public void sendAndReadBack(int count) {
        w.links().sendTelemetryExpecting(100, "Accepted");
        partition = grownPartition();
        Receiver receiver = readerFromNoted();
        events.add(next(receiver));
        // The first event's enqueued time is at most the hub's clock when it delivered it to us; 2 ms of real time later
        // every clock, the hub's included, is past that millisecond, so the later messages are enqueued after it
        // (on a fast machine all three fell in one millisecond and the enqueued-time filter had nothing to return).
        long clockPassed = System.nanoTime() + 2_000_000;
        while (System.nanoTime() < clockPassed) {
            java.util.concurrent.locks.LockSupport.parkNanos(clockPassed - System.nanoTime());
        }
        for (int i = 1; i < count; i++) {
            w.links().sendTelemetryExpecting(100, "Accepted");
        }
        for (int i = 1; i < count; i++) {
            events.add(next(receiver));
        }
        List<Message> sent = w.links().sentTelemetry;
        for (int i = 0; i < count; i++) {
            w.verdicts.expectEqual("message-id of event " + (i + 1) + " read back", sent.get(i).getMessageId(), events.get(i).message().getMessageId());
        }
    }

    /** Reads the partition with a filter whose {sequence of N}, {offset of N}, {enqueued time of N} name the events read back. */
    public void readWithFilter(String filter) {
        String expression = filter;
        for (int i = 0; i < events.size(); i++) {
            Map<Symbol, Object> a = events.get(i).message().getMessageAnnotations().getValue();
            expression = expression.replace("{sequence of " + (i + 1) + "}", String.valueOf(a.get(Symbol.valueOf("x-opt-sequence-number"))))
                    .replace("{offset of " + (i + 1) + "}", String.valueOf(a.get(Symbol.valueOf("x-opt-offset"))))
                    .replace("{enqueued time of " + (i + 1) + "}", enqueuedMillis(events.get(i)) + "");
        }
        Receiver receiver = eventHub.receiverWithFilter(CONSUMER_GROUP, partition, expression, 10);
        firstFiltered = next(receiver);
    }

    private static long enqueuedMillis(Received event) {
        Object t = event.message().getMessageAnnotations().getValue().get(Symbol.valueOf("x-opt-enqueued-time"));
        return t instanceof Date d ? d.getTime() : -1;
    }

    public void expectFirstIs(int message) {
        w.verdicts.expectEqual("the first event the filtered receiver gets", "message " + message + " (" + events.get(message - 1).message().getMessageId() + ")",
                describe(firstFiltered));
    }

    /** The first event is the first message enqueued later than message {@code after}. */
    public void expectFirstEnqueuedAfter(int after) {
        long t = enqueuedMillis(events.get(after - 1));
        int expected = -1;
        for (int i = after; i < events.size() && expected < 0; i++) {
            if (enqueuedMillis(events.get(i)) > t) {
                expected = i + 1;
            }
        }
        w.verdicts.expect(expected > 0, "a message enqueued after message " + after, "one of the later messages", "all enqueued at " + t);
        expectFirstIs(expected);
    }

    private String describe(Received event) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).message().getMessageId().equals(event.message().getMessageId())) {
                return "message " + (i + 1) + " (" + event.message().getMessageId() + ")";
            }
        }
        return "another event (" + event.message().getMessageId() + ", " + event.message().getMessageAnnotations() + ")";
    }

    void close() {
        if (eventHub != null) {
            eventHub.close();
        }
    }
}
