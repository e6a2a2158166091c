package dev.hubsim.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * Signing and checking of SAS signatures: HMAC-SHA256 over {@code sr + "\n" + se}. IoT Hub keys the HMAC with the
 * base64-decoded key; Event Hubs (and Service Bus) clients key it with the UTF-8 bytes of the key text itself
 * (azure-messaging-eventhubs EventHubSharedKeyCredential, uAMQP's from_shared_access_key), so the same policy key signs
 * differently on the two endpoints: {@link TokenValidator.Profile}.
 */
public final class SasTokens {
    private SasTokens() {
    }

    /**
     * An IoT Hub token as the documents build it: the resource URI URL-encoded, signed over that encoded text.
     *
     * @param resourceUri e.g. {@code myhub.azure-devices.net/devices/device1}
     * @param keyName     the policy name, or null for a device key
     */
    public static String create(String resourceUri, String base64Key, Instant expiry, String keyName) {
        return create(resourceUri, base64Key, expiry, keyName, TokenValidator.Profile.IOT_HUB);
    }

    /** An Event Hubs token, as azure-messaging-eventhubs makes it: signed with the key's UTF-8 bytes, {@code skn} set. */
    public static String createForEventHubs(String resourceUri, String key, Instant expiry, String keyName) {
        return create(resourceUri, key, expiry, keyName, TokenValidator.Profile.EVENT_HUBS);
    }

    private static String create(String resourceUri, String key, Instant expiry, String keyName, TokenValidator.Profile profile) {
        String sr = PercentEncoding.encode(resourceUri);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = PercentEncoding.encode(signature(sr, se, key, profile));
        return SasToken.SCHEME + " sr=" + sr + "&sig=" + sig + "&se=" + se + (keyName == null ? "" : "&skn=" + PercentEncoding.encode(keyName));
    }

    /** The base64 HMAC-SHA256 of {@code sr + "\n" + se} with an IoT Hub (base64) key. */
    public static String signature(String literalSr, String literalSe, String base64Key) {
        return signature(literalSr, literalSe, base64Key, TokenValidator.Profile.IOT_HUB);
    }

    static String signature(String literalSr, String literalSe, String key, TokenValidator.Profile profile) {
        byte[] keyBytes = profile == TokenValidator.Profile.IOT_HUB ? Base64.getDecoder().decode(key) : key.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
            byte[] raw = mac.doFinal((literalSr + "\n" + literalSe).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The same for an IoT Hub (base64) key. */
    static boolean signedWith(SasToken token, String base64Key) {
        return signedWith(token, base64Key, TokenValidator.Profile.IOT_HUB);
    }

    /** Fixed-time check of the token's signature against one key, over the literal {@code sr} and {@code se}. */
    static boolean signedWith(SasToken token, String key, TokenValidator.Profile profile) {
        byte[] expected = signature(token.resourceUri(), token.expiry(), key, profile).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = token.signature().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
