package dev.hubsim.client;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable AMQP message: a UTF-8 string body (sent as an AMQP value) or a binary body (sent as a data section),
 * and application properties whose values are integers, floats, booleans or strings. Made by
 * {@link Amqp#createMessage} and {@link Amqp#createBinaryMessage}, which convert other property types to strings.
 */
public final class AmqpMessage {
    private final String text;
    private final byte[] binary;
    private final Map<String, Object> properties;

    AmqpMessage(String text, byte[] binary, Map<String, Object> properties) {
        this.text = text;
        this.binary = binary == null ? null : binary.clone();
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The string body, or null for a binary message. */
    public String body() {
        return text;
    }

    /** A copy of the binary body, or null for a string message. */
    public byte[] binaryBody() {
        return binary == null ? null : binary.clone();
    }

    public Map<String, Object> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return (binary != null ? "binary " + Arrays.toString(binary) : "'" + text + "'") + " " + properties;
    }
}
