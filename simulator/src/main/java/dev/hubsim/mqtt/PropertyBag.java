package dev.hubsim.mqtt;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The property bag at the end of an IoT Hub MQTT topic (reference iothub-twin-methods-mqtt.md §4.6): {@code k=v&k2=v2},
 * URL-encoded; {@code key} alone means null and {@code key=} empty. Keys are decoded before they are matched, so
 * {@code $.mid} and {@code %24.mid} are the same key.
 */
final class PropertyBag {
    private PropertyBag() {
    }

    /** Decoded keys to decoded values (null for a bare key), in topic order; an IllegalArgumentException when undecodable. */
    static Map<String, String> decode(String bag) {
        return decode(bag, true);
    }

    /** With {@code decodeKeys} false, keys are taken as written (a kit self-test's deviation). */
    static Map<String, String> decode(String bag, boolean decodeKeys) {
        Map<String, String> out = new LinkedHashMap<>();
        if (bag == null || bag.isEmpty()) {
            return out;
        }
        String text = bag.startsWith("?") ? bag.substring(1) : bag;
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawKey = eq < 0 ? pair : pair.substring(0, eq);
            String key = decodeKeys ? URLDecoder.decode(rawKey, StandardCharsets.UTF_8) : rawKey;
            if (key.isEmpty()) {
                throw new IllegalArgumentException("a property with an empty name in '" + bag + "'");
            }
            out.put(key, eq < 0 ? null : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Encodes keys and values as the hub emits them: spaces as %20, and every '/' percent-encoded (Node splits on it). */
    static String encode(Map<String, String> properties) {
        StringBuilder out = new StringBuilder();
        properties.forEach((k, v) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(escape(k));
            if (v != null) {
                out.append('=').append(escape(v));
            }
        });
        return out.toString();
    }

    static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
