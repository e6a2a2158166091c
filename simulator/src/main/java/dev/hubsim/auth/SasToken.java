package dev.hubsim.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code SharedAccessSignature sr=..&sig=..&se=..[&skn=..]} token, following the hub's parser
 * (reference/iothub-amqp.md §1.1): fields in any order, names case-insensitive, values URL-decoded except
 * {@code sr}, which is kept exactly as written because the signature covers that literal text.
 *
 * @param resourceUri the literal {@code sr} text
 * @param signature   the decoded base64 {@code sig}
 * @param expiry      the literal {@code se} text (seconds since the epoch)
 * @param expirySeconds {@code se} as a number
 * @param keyName     {@code skn}, or null for a device-key token
 */
record SasToken(String resourceUri, String signature, String expiry, long expirySeconds, String keyName) {

    public static final String SCHEME = "SharedAccessSignature";
    /**
     * The latest {@code se} accepted: 9999-12-31T23:59:59Z, the end of .NET's DateTime range the hub parses into; later
     * (or negative) values are malformed rather than instants the validator cannot add its clock skew to.
     */
    public static final long MAX_EXPIRY_SECONDS = 253_402_300_799L;
    /** Real tokens are a few hundred characters; anything this long is refused before any work is done on it. */
    public static final int MAX_TOKEN_CHARS = 8192;

    /** A token that cannot be parsed; the message names what is wrong and never echoes the signature. */
    public static final class MalformedTokenException extends Exception {
        public MalformedTokenException(String message) {
            super(message);
        }
    }

    public static SasToken parse(String token) throws MalformedTokenException {
        if (token == null || token.isBlank()) {
            throw new MalformedTokenException("the token is empty");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new MalformedTokenException("the token is " + token.length() + " characters long; the hub accepts at most " + MAX_TOKEN_CHARS);
        }
        String[] parts = token.trim().split("\\s+");
        if (parts.length != 2 || !parts[0].equals(SCHEME)) {
            throw new MalformedTokenException("the token must have the form 'SharedAccessSignature sr=...&sig=...&se=...[&skn=...]'");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : parts[1].split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new MalformedTokenException("the token field '" + abbreviate(pair) + "' is not of the form name=value");
            }
            String name = pair.substring(0, eq).toLowerCase(Locale.ROOT);
            if (fields.put(name, pair.substring(eq + 1)) != null) {
                throw new MalformedTokenException("the token field '" + name + "' appears more than once");
            }
        }
        String sr = required(fields, "sr");
        String sig = PercentEncoding.decode(required(fields, "sig"));
        String se = PercentEncoding.decode(required(fields, "se"));
        long seconds;
        try {
            seconds = Long.parseLong(se);
            if (seconds < 0 || seconds > MAX_EXPIRY_SECONDS) {
                throw new NumberFormatException("out of range");
            }
        } catch (NumberFormatException e) {
            throw new MalformedTokenException("the token field 'se' must be seconds since the epoch, not '" + abbreviate(se) + "'");
        }
        String skn = fields.get("skn");
        return new SasToken(sr, sig, se, seconds, skn == null ? null : PercentEncoding.decode(skn));
    }

    private static String required(Map<String, String> fields, String name) throws MalformedTokenException {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw new MalformedTokenException("the token has no '" + name + "' field");
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
