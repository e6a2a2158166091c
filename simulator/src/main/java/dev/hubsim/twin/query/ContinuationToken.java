package dev.hubsim.twin.query;

import dev.hubsim.twin.TwinKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * The continuation token: opaque to clients (base64url, no padding, so it is safe in a header and has no comma), it
 * holds the key of the last twin returned, a fingerprint of the query it belongs to and a checksum. A page resumes
 * after that key in the result's order, so twins created or deleted between pages neither repeat nor shift the rest.
 */
final class ContinuationToken {
    private static final String VERSION = "hubsim-q1";

    private ContinuationToken() {
    }

    static String of(String fingerprint, TwinKey last) {
        String raw = VERSION + "\n" + fingerprint + "\n" + last.deviceId() + "\n" + (last.moduleId() == null ? "" : last.moduleId());
        raw = raw + "\n" + checksum(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The key to resume after; refuses a token this hub did not issue for this query. */
    static TwinKey resume(String token, String fingerprint) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 5 || !parts[0].equals(VERSION) || parts[2].isEmpty()
                || !parts[4].equals(checksum(String.join("\n", java.util.Arrays.copyOf(parts, 4))))) {
            throw new QueryException("The continuation token '" + shorten(token) + "' is not one this hub issued: "
                    + "send the x-ms-continuation value of the previous page as it came, or none for the first page");
        }
        if (!parts[1].equals(fingerprint)) {
            throw new QueryException("The continuation token belongs to another query: send the same query text as for the previous page");
        }
        return parts[3].isEmpty() ? TwinKey.device(parts[2]) : TwinKey.module(parts[2], parts[3]);
    }

    /** Catches a token changed on the way (a truncated or edited one would otherwise resume somewhere else). */
    private static String checksum(String raw) {
        CRC32 crc = new CRC32();
        crc.update(raw.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static String shorten(String token) {
        return token.length() <= 64 ? token : token.substring(0, 64) + "...";
    }
}
