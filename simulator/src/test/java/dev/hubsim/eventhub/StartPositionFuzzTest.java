package dev.hubsim.eventhub;

import dev.hubsim.amqp.link.EventHubPath;
import dev.hubsim.fuzz.FuzzText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based fuzzing of the Event Hub start-position filter parser and the Event Hub address parser: any text is a
 * position or a {@link StartPosition.MalformedFilterException}; every documented form, spaced, quoted and cased any
 * way, gives back its kind, value and inclusiveness.
 */
class StartPositionFuzzTest {

    @Provide
    Arbitrary<String> filters() {
        return Arbitraries.oneOf(FuzzText.anyString(120),
                FuzzText.syntaxHeavy("amqp.annotation.x-opt-offsetsequence-numberenqueued-time>=' -1@latest0123456789", 100),
                FuzzText.mutated(Arbitraries.of("amqp.annotation.x-opt-offset > '-1'", "amqp.annotation.x-opt-sequence-number >= 99999999999999999999",
                        "amqp.annotation.x-opt-enqueued-time > '-2'", "amqp.annotation.x-opt-offset > '@latest'")));
    }

    @Property
    void anyFilterIsAPositionOrAMalformedFilter(@ForAll("filters") String filter) {
        try {
            StartPosition p = StartPosition.parse(filter);
            assertTrue(p.value() >= -1, "no position before the start: " + p);
        } catch (StartPosition.MalformedFilterException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }

    @Property
    void everyDocumentedFormRoundTrips(@ForAll("annotations") String annotation, @ForAll boolean inclusive,
                                       @ForAll("values") long value, @ForAll boolean quoted, @ForAll("spaces") String space) throws Exception {
        String text = quoted ? "'" + value + "'" : Long.toString(value);
        StartPosition p = StartPosition.parse(space + "amqp.annotation." + annotation + space + (inclusive ? ">=" : ">") + space + text + space);
        String lower = annotation.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals(EventHubAnnotations.OFFSET)) {
            assertEquals(new StartPosition(StartPosition.Kind.OFFSET, value, inclusive), p);
        } else if (lower.equals(EventHubAnnotations.SEQUENCE_NUMBER)) {
            assertEquals(new StartPosition(StartPosition.Kind.SEQUENCE_NUMBER, value, inclusive), p);
        } else {
            assertEquals(new StartPosition(StartPosition.Kind.ENQUEUED_TIME, value, inclusive), p);
        }
    }

    @Provide
    Arbitrary<String> annotations() {
        return Arbitraries.of(EventHubAnnotations.OFFSET, EventHubAnnotations.SEQUENCE_NUMBER, "x-opt-enqueued-time").flatMap(FuzzText::randomCase);
    }

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.of("", " ", "  ", "\t");
    }

    @Property
    void anyAddressIsAnEventHubPathOrNone(@ForAll("addresses") String address, @ForAll boolean clientReceives) {
        EventHubPath path = EventHubPath.parse(address, "simhub", clientReceives);
        if (path instanceof EventHubPath.PartitionReceiver r) {
            assertTrue(clientReceives && !r.consumerGroup().isEmpty() && !r.partitionId().isEmpty());
        }
    }

    @Provide
    Arbitrary<String> addresses() {
        return Arbitraries.oneOf(FuzzText.anyString(100), Combinators.combine(Arbitraries.of("", "/", "amqps://localhost:5671/"),
                FuzzText.syntaxHeavy("simhub/ConsumerGroups/Partitions/$management0", 80)).as(String::concat));
    }
}
