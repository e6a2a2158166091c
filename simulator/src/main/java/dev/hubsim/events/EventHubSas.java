package dev.hubsim.events;

import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.SasToken;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * SAS tokens the Event Hubs way. Unlike IoT Hub, which HMACs with the base64-decoded key, Event Hubs (and Service
 * Bus) clients HMAC with the UTF-8 bytes of the key text itself (azure-messaging-eventhubs EventHubSharedKeyCredential,
 * uAMQP's from_shared_access_key), so the same policy key signs differently on the two endpoints.
 */
public final class EventHubSas {
    private EventHubSas() {
    }

    public static String create(String resourceUri, String key, Instant expiry, String keyName) {
        String sr = PercentEncoding.encode(resourceUri);
        String se = Long.toString(expiry.getEpochSecond());
        return SasToken.SCHEME + " sr=" + sr + "&sig=" + PercentEncoding.encode(signature(sr, se, key)) + "&se=" + se
                + "&skn=" + PercentEncoding.encode(keyName);
    }

    public static String signature(String literalSr, String literalSe, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((literalSr + "\n" + literalSe).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Compared in fixed time over the literal {@code sr} and {@code se}, as for hub tokens. */
    public static boolean signedWith(SasToken token, String key) {
        byte[] expected = signature(token.resourceUri(), token.expiry(), key).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.signature().getBytes(StandardCharsets.US_ASCII));
    }
}
