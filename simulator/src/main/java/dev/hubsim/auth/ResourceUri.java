package dev.hubsim.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A hub resource such as {@code myhub.azure-devices.net/devices/d1}, from a token's {@code sr} or a CBS audience,
 * raw or URL-encoded, with or without a scheme. Scope is compared by path segment, never by character
 * ("/a/b is a prefix for /a/b/c but not for /a/bc", reference/iothub-amqp.md §1.3).
 *
 * @param host     the host part, lower-cased
 * @param segments the path segments after the host, URL-decoded
 */
public record ResourceUri(String host, List<String> segments) {
    public ResourceUri {
        segments = List.copyOf(segments);
    }

    public static ResourceUri parse(String text) {
        String decoded = PercentEncoding.decode(text.trim());
        int scheme = decoded.indexOf("://");
        if (scheme >= 0) {
            decoded = decoded.substring(scheme + 3);
        }
        String[] parts = Arrays.stream(decoded.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
        if (parts.length == 0) {
            return new ResourceUri("", List.of());
        }
        String host = parts[0].toLowerCase(Locale.ROOT);
        int port = host.lastIndexOf(':');
        if (port > 0 && host.indexOf(']') < port) {
            host = host.substring(0, port);
        }
        return new ResourceUri(host, Arrays.asList(parts).subList(1, parts.length));
    }

    /** A path on the hub, without host: {@code /devices/d1/messages/events}. */
    public static ResourceUri path(String... segments) {
        return new ResourceUri("", List.of(segments));
    }

    /** True when this scope's path is a segment-wise prefix of the other's (hosts are checked by the caller). */
    public boolean covers(ResourceUri other) {
        if (segments.size() > other.segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!segments.get(i).equalsIgnoreCase(other.segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    public boolean isHubRoot() {
        return segments.isEmpty();
    }

    /** The device ID of a {@code /devices/{id}[/...]} path, or null. */
    public String deviceId() {
        return segments.size() >= 2 && segments.get(0).equalsIgnoreCase("devices") ? segments.get(1) : null;
    }

    /** The module ID of a {@code /devices/{id}/modules/{mid}[/...]} path, or null. */
    public String moduleId() {
        return segments.size() >= 4 && deviceId() != null && segments.get(2).equalsIgnoreCase("modules") ? segments.get(3) : null;
    }

    public String pathText() {
        return "/" + String.join("/", segments);
    }

    @Override
    public String toString() {
        return host + (segments.isEmpty() ? "" : pathText());
    }
}
