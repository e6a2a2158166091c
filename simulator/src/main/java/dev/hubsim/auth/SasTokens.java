package dev.hubsim.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/** Signing and checking of SAS signatures: HMAC-SHA256 over {@code sr + "\n" + se} with the base64-decoded key. */
public final class SasTokens {
    private SasTokens() {
    }

    /**
     * A token as the documents build it: the resource URI URL-encoded, signed over that encoded text.
     *
     * @param resourceUri e.g. {@code myhub.azure-devices.net/devices/device1}
     * @param keyName     the policy name, or null for a device key
     */
    public static String create(String resourceUri, String base64Key, Instant expiry, String keyName) {
        String sr = PercentEncoding.encode(resourceUri);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = PercentEncoding.encode(signature(sr, se, base64Key));
        return SasToken.SCHEME + " sr=" + sr + "&sig=" + sig + "&se=" + se + (keyName == null ? "" : "&skn=" + PercentEncoding.encode(keyName));
    }

    /** The base64 HMAC-SHA256 of {@code sr + "\n" + se}. */
    public static String signature(String literalSr, String literalSe, String base64Key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            byte[] raw = mac.doFinal((literalSr + "\n" + literalSe).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Constant-time check of the token's signature against one key. */
    public static boolean signedWith(SasToken token, String base64Key) {
        byte[] expected = signature(token.resourceUri(), token.expiry(), base64Key).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = token.signature().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
