package dev.hubsim.amqp.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A link address as path segments: any {@code scheme://host[:port]} dropped, split on '/', empty parts left out. */
final class AddressSegments {
    private AddressSegments() {
    }

    public static List<String> of(String address) {
        String path = address.trim();
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "" : path.substring(slash);
        }
        List<String> out = new ArrayList<>();
        Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).forEach(out::add);
        return out;
    }
}
