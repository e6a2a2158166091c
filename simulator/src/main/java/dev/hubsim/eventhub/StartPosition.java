package dev.hubsim.eventhub;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an Event Hub receiver starts, from its source filter {@code apache.org:selector-filter:string}
 * (reference/iothub-amqp.md §6.2): {@code amqp.annotation.x-opt-offset > '-1'}, {@code ... > '@latest'},
 * {@code amqp.annotation.x-opt-sequence-number >= 42}, {@code amqp.annotation.x-opt-enqueued-time > '1539381030200'};
 * quoted or unquoted values, {@code >} or {@code >=}. No filter means the start of the stream.
 */
public record StartPosition(Kind kind, long value, boolean inclusive) {

    public enum Kind { START_OF_STREAM, END_OF_STREAM, OFFSET, SEQUENCE_NUMBER, ENQUEUED_TIME }

    /** The value Event Hubs clients send for the start of the stream; {@code @latest} is the end. */
    public static final String START_OF_STREAM = "-1";
    public static final String END_OF_STREAM = "@latest";
    public static final String ANNOTATION_PREFIX = "amqp.annotation.";
    public static final StartPosition EARLIEST = new StartPosition(Kind.START_OF_STREAM, -1, false);

    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\\s*(>=|>)\\s*(?:'([^']*)'|([^\\s']+))\\s*",
            Pattern.CASE_INSENSITIVE);

    /** A filter the endpoint cannot act on; the message is the refusal's description. */
    public static final class MalformedFilterException extends Exception {
        public MalformedFilterException(String message) {
            super(message);
        }
    }

    public static StartPosition parse(String expression) throws MalformedFilterException {
        if (expression == null) {
            return EARLIEST;
        }
        Matcher m = EXPRESSION.matcher(expression);
        if (!m.matches()) {
            throw new MalformedFilterException(EventHubErrors.malformedFilter(expression));
        }
        String annotation = m.group(1).toLowerCase(Locale.ROOT);
        boolean inclusive = m.group(2).equals(">=");
        String text = m.group(3) != null ? m.group(3).trim() : m.group(4);
        if (annotation.equals(EventHubAnnotations.OFFSET)) {
            if (text.equals(START_OF_STREAM)) {
                return new StartPosition(Kind.START_OF_STREAM, -1, inclusive);
            }
            if (text.equalsIgnoreCase(END_OF_STREAM)) {
                return new StartPosition(Kind.END_OF_STREAM, -1, inclusive);
            }
            return new StartPosition(Kind.OFFSET, number(expression, text, annotation), inclusive);
        }
        long value = number(expression, text, annotation);
        if (annotation.equals(EventHubAnnotations.SEQUENCE_NUMBER)) {
            return value == -1 && !inclusive ? new StartPosition(Kind.START_OF_STREAM, -1, false)
                    : new StartPosition(Kind.SEQUENCE_NUMBER, value, inclusive);
        }
        return new StartPosition(Kind.ENQUEUED_TIME, value, inclusive);
    }

    private static long number(String expression, String text, String annotation) throws MalformedFilterException {
        try {
            long value = Long.parseLong(text);
            if (value < -1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new MalformedFilterException(EventHubErrors.badFilterValue(expression, annotation, text));
        }
    }
}
