package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The documented twin limits (reference/iothub-twin-methods-mqtt.md §3.4, the 2024 device-twins article): keys of at
 * most 1 KB without control characters, {@code .}, {@code $} or space; strings of at most 4 KB; integers within
 * ±2^52; no null inside arrays (Edge Hub's rule); objects nested at most 10 deep below a section; tags at most 8 KB,
 * desired and reported at most 32 KB each, counted as the article says (key and value lengths, numbers 8 bytes,
 * booleans 4). Texts follow Edge Hub's ReportedPropertiesValidator.
 */
public final class TwinRules {
    public static final int MAX_DEPTH = 10;
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_STRING_BYTES = 4096;
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024;
    public static final long MIN_INTEGER = -4503599627370496L;
    public static final long MAX_INTEGER = 4503599627370495L;

    private TwinRules() {
    }

    /** Checks a patch or section body (its root is the section); nulls are allowed as object members (they remove). */
    static void checkPatch(JsonNode patch, String section) {
        if (patch == null || !patch.isObject()) {
            throw invalid("The " + section + " must be a JSON object");
        }
        checkObject(patch, 0, section);
    }

    private static void checkObject(JsonNode object, int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw invalid("Nested depth of twin property exceeds " + MAX_DEPTH + " (at '" + path + "')");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            checkKey(field.getKey());
            checkValue(field.getValue(), depth, path + "." + field.getKey(), false);
        }
    }

    private static void checkValue(JsonNode value, int depth, String path, boolean inArray) {
        if (value.isObject()) {
            checkObject(value, depth + 1, path);
        } else if (value.isArray()) {
            if (depth + 1 > MAX_DEPTH) {
                throw invalid("Nested depth of twin property exceeds " + MAX_DEPTH + " (at '" + path + "')");
            }
            for (JsonNode element : value) {
                checkValue(element, depth + 1, path + "[]", true);
            }
        } else if (value.isNull()) {
            if (inArray) {
                throw invalid("Property " + path + " has a null inside an array; arrays may not hold null");
            }
        } else if (value.isTextual()) {
            int bytes = value.textValue().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_STRING_BYTES) {
                throw invalid("Property " + path + " has a value of " + bytes + " bytes; Property or Tag value should be maximum "
                        + MAX_STRING_BYTES + " bytes");
            }
        } else if (value.isIntegralNumber()) {
            BigInteger n = value.bigIntegerValue();
            if (n.compareTo(BigInteger.valueOf(MIN_INTEGER)) < 0 || n.compareTo(BigInteger.valueOf(MAX_INTEGER)) > 0) {
                throw invalid("Property " + path + " has an out of bound value. Valid values are between " + MIN_INTEGER + " and " + MAX_INTEGER);
            }
        }
    }

    static void checkKey(String key) {
        if (key.isEmpty()) {
            throw invalid("Property name must not be empty");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw invalid("Property name of " + bytes + " bytes exceeds maximum " + MAX_KEY_BYTES);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || Character.isISOControl(c)) {
                throw invalid("Property name " + printable(key) + " contains invalid character '" + printable(String.valueOf(c)) + "'");
            }
        }
    }

    /** Checks a whole section's size after a change. */
    static void checkSize(JsonNode section, String name, int max) {
        long size = size(section);
        if (size > max) {
            throw invalid("Twin " + name + " size " + size + " exceeds maximum " + max);
        }
    }

    /** The documented size: key and value lengths in UTF-8, numbers 8 bytes, booleans 4, nested objects aggregated. */
    public static long size(JsonNode node) {
        if (node.isObject()) {
            long sum = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                sum += f.getKey().getBytes(StandardCharsets.UTF_8).length + size(f.getValue());
            }
            return sum;
        }
        if (node.isArray()) {
            long sum = 0;
            for (JsonNode e : node) {
                sum += size(e);
            }
            return sum;
        }
        if (node.isTextual()) {
            return node.textValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (node.isNumber()) {
            return 8;
        }
        if (node.isBoolean()) {
            return 4;
        }
        return 0;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return b.toString();
    }

    private static TwinException invalid(String message) {
        return new TwinException(TwinException.Reason.INVALID, message);
    }
}
