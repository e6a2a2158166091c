package dev.hubsim.eventhub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartPositionTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "amqp.annotation.x-opt-offset > '-1'|START_OF_STREAM|-1|false",
            "amqp.annotation.x-opt-offset > '@latest'|END_OF_STREAM|-1|false",
            "amqp.annotation.x-opt-offset >= '120'|OFFSET|120|true",
            "amqp.annotation.x-opt-offset > 120|OFFSET|120|false",
            "amqp.annotation.x-opt-sequence-number > 2995|SEQUENCE_NUMBER|2995|false",
            "AMQP.ANNOTATION.X-OPT-SEQUENCE-NUMBER>='7'|SEQUENCE_NUMBER|7|true",
            "amqp.annotation.x-opt-enqueued-time > '1539381030200'|ENQUEUED_TIME|1539381030200|false",
    })
    void everyDocumentedForm(String expression, StartPosition.Kind kind, long value, boolean inclusive) throws Exception {
        assertEquals(new StartPosition(kind, value, inclusive), StartPosition.parse(expression));
    }

    @Test
    void noFilterIsTheStartOfTheStream() throws Exception {
        assertEquals(StartPosition.Kind.START_OF_STREAM, StartPosition.parse(null).kind());
    }

    @Test
    void malformedFiltersNameTheProblem() {
        String message = assertThrows(StartPosition.MalformedFilterException.class,
                () -> StartPosition.parse("amqp.annotation.x-opt-offset > 'soon'")).getMessage();
        assertTrue(message.contains("'soon'") && message.contains("x-opt-offset"), message);
        assertThrows(StartPosition.MalformedFilterException.class, () -> StartPosition.parse("amqp.annotation.x-opt-offset < 5"));
        assertThrows(StartPosition.MalformedFilterException.class, () -> StartPosition.parse("amqp.annotation.x-opt-sequence-number > -2"));
    }
}
