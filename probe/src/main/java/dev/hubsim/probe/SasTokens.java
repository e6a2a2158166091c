package dev.hubsim.probe;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

/** The kit's own SAS token signer (reference/iothub-amqp.md §1.1-§1.2): HMAC-SHA256 over sr + "\n" + se. */
public final class SasTokens {
    private SasTokens() {
    }

    /** A token for {@code resourceUri} (URL-encoded as a whole into sr), expiring at {@code expiry}. */
    public static String sign(String resourceUri, String base64Key, String keyName, Instant expiry) {
        String sr = URLEncoder.encode(resourceUri, StandardCharsets.UTF_8);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = URLEncoder.encode(hmac(base64Key, sr + "\n" + se), StandardCharsets.UTF_8);
        return "SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + se + (keyName == null ? "" : "&skn=" + keyName);
    }

    /**
     * A token's fields as their values appear in it (sr and sig URL-encoded), for writing it in another order or case:
     * {@code sr}, {@code sig}, {@code se}, and {@code skn} when the key is a policy's.
     */
    public static java.util.Map<String, String> fields(ConnectionString identity, Instant expiry) {
        String resourceUri = identity.deviceId() != null ? identity.hostName() + "/devices/" + identity.deviceId() : identity.hostName();
        String sr = URLEncoder.encode(resourceUri, StandardCharsets.UTF_8);
        String se = Long.toString(expiry.getEpochSecond());
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("sr", sr);
        fields.put("sig", URLEncoder.encode(hmac(identity.key(), sr + "\n" + se), StandardCharsets.UTF_8));
        fields.put("se", se);
        if (identity.deviceId() == null) {
            fields.put("skn", identity.keyName());
        }
        return fields;
    }

    public static String deviceToken(ConnectionString device, Instant expiry) {
        return sign(device.hostName() + "/devices/" + device.deviceId(), device.key(), null, expiry);
    }

    public static String policyToken(ConnectionString policy, Instant expiry) {
        return sign(policy.hostName(), policy.key(), policy.keyName(), expiry);
    }

    /**
     * A token the Event Hubs way, for the Event Hub-compatible endpoint: Event Hubs clients HMAC with the UTF-8 bytes of
     * the key text, not its base64-decoded bytes, and always name the policy in skn.
     */
    public static String eventHubToken(String resourceUri, ConnectionString policy, Instant expiry) {
        String sr = URLEncoder.encode(resourceUri, StandardCharsets.UTF_8);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = URLEncoder.encode(hmac(policy.key().getBytes(StandardCharsets.UTF_8), sr + "\n" + se), StandardCharsets.UTF_8);
        return "SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + se + "&skn=" + policy.keyName();
    }

    private static String hmac(String base64Key, String text) {
        return hmac(Base64.getDecoder().decode(base64Key), text);
    }

    private static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
