package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code $cbs} put-token request (reference/iothub-amqp.md §3.2): application properties {@code operation},
 * {@code type}, {@code name}; the token as an AMQP value string.
 */
record PutTokenRequest(Object messageId, String replyTo, String type, String audience, String token) {

    public static final String OPERATION_PUT_TOKEN = "put-token";
    /** Token types the hub accepts, case-insensitively (reference/iothub-amqp.md §3.3). */
    public static final Set<String> TOKEN_TYPES = Set.of("servicebus.windows.net:sastoken", "azure-devices.net:sastoken");

    /** A request the node cannot act on; the message is the 400 status description (Edge Hub wording first). */
    public static final class BadRequestException extends Exception {
        public BadRequestException(String message) {
            super(message);
        }
    }

    public static PutTokenRequest from(Message message) throws BadRequestException {
        Map<String, Object> props = message.getApplicationProperties() == null ? Map.of() : message.getApplicationProperties().getValue();
        Object operation = props.get("operation");
        if (!OPERATION_PUT_TOKEN.equals(operation)) {
            throw new BadRequestException("Cbs message missing operation value put-token (application property 'operation' is "
                    + describe(operation) + ").");
        }
        Object type = props.get("type");
        if (!(type instanceof String t) || !TOKEN_TYPES.contains(t.toLowerCase(Locale.ROOT))) {
            throw new BadRequestException("Cbs message missing Type property (application property 'type' is " + describe(type)
                    + "; expected 'servicebus.windows.net:sastoken' or 'azure-devices.net:sastoken').");
        }
        Object name = props.get("name");
        if (!(name instanceof String audience) || audience.isBlank()) {
            throw new BadRequestException("Cbs message missing audience property (application property 'name' is " + describe(name) + ").");
        }
        if (!(message.getBody() instanceof AmqpValue value) || !(value.getValue() instanceof String token)) {
            throw new BadRequestException("Cbs message does not contain a valid token (the body must be an AMQP value holding "
                    + "the SAS token as a string, not " + describeBody(message) + ").");
        }
        return new PutTokenRequest(message.getMessageId(), message.getReplyTo(), (String) type, audience, token);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        if (value instanceof String s) {
            return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
        }
        return "of type " + value.getClass().getSimpleName();
    }

    private static String describeBody(Message message) {
        if (message.getBody() == null) {
            return "an empty body";
        }
        if (message.getBody() instanceof AmqpValue v) {
            return v.getValue() == null ? "a null value" : "a value of type " + v.getValue().getClass().getSimpleName();
        }
        return "a " + message.getBody().getClass().getSimpleName() + " section";
    }
}
