package dev.hubsim.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SasTokenTest {
    private static final String KEY = "bXktdGVzdC1rZXktdGhhdC1pcy1sb25nLWVub3VnaA==";

    @Test
    void fieldsComeInAnyOrderWithNamesInAnyCaseAndSrKeptLiterally() throws Exception {
        SasToken t = SasToken.parse("SharedAccessSignature SE=1700000000&Sig=abc%2Bdef%3D&sr=hub.example%2Fdevices%2Fd1&skn=service");
        assertEquals("hub.example%2Fdevices%2Fd1", t.resourceUri(), "sr is kept as written: the signature covers that text");
        assertEquals("abc+def=", t.signature());
        assertEquals(1_700_000_000L, t.expirySeconds());
        assertEquals("service", t.keyName());
    }

    @Test
    void aDeviceTokenHasNoKeyName() throws Exception {
        assertNull(SasToken.parse("SharedAccessSignature sig=x&se=1&sr=h/devices/d").keyName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                                          | the token is empty",
            "sr=h&sig=x&se=1                                             | the token must have the form",
            "sharedaccesssignature sr=h&sig=x&se=1                       | the token must have the form",
            "SharedAccessSignature sr=h&sig=x                            | the token has no 'se' field",
            "SharedAccessSignature sig=x&se=1                            | the token has no 'sr' field",
            "SharedAccessSignature sr=h&se=1                             | the token has no 'sig' field",
            "SharedAccessSignature sr=h&sig=x&se=soon                    | the token field 'se' must be seconds since the epoch, not 'soon'",
            "SharedAccessSignature sr=h&sig=x&se=-1                      | the token field 'se' must be seconds since the epoch, not '-1'",
            "SharedAccessSignature sr=h&sig=x&se=9223372036854775807     | the token field 'se' must be seconds since the epoch, not '9223372036854775807'",
            "SharedAccessSignature sr=h&sig=x&se=1&se=2                  | the token field 'se' appears more than once",
            "SharedAccessSignature sr=h&sig=x&se=1&junk                  | the token field 'junk' is not of the form name=value",
    })
    void malformedTokensSayWhatIsWrong(String token, String expected) {
        SasToken.MalformedTokenException e = assertThrows(SasToken.MalformedTokenException.class, () -> SasToken.parse(token));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void theSignatureIsCheckedOverTheLiteralSrSoEncodedAndRawFormsBothVerify() throws Exception {
        // The Java device SDK signs a raw sr; the documents' samples sign an encoded one (reference/iothub-amqp.md §1.2).
        String se = "1700000000";
        String raw = "hub.example/devices/d1";
        String rawToken = "SharedAccessSignature sig=" + PercentEncoding.encode(SasTokens.signature(raw, se, KEY)) + "&se=" + se + "&sr=" + raw;
        assertTrue(SasTokens.signedWith(SasToken.parse(rawToken), KEY));
        String encodedToken = SasTokens.create(raw, KEY, Instant.ofEpochSecond(1_700_000_000L), null);
        assertTrue(encodedToken.contains("sr=hub.example%2Fdevices%2Fd1"), encodedToken);
        assertTrue(SasTokens.signedWith(SasToken.parse(encodedToken), KEY));
        // Re-encoding the raw form would break the raw token's signature: the verifier must not normalise.
        String mixed = "SharedAccessSignature sig=" + PercentEncoding.encode(SasTokens.signature(raw, se, KEY)) + "&se=" + se + "&sr=" + PercentEncoding.encode(raw);
        assertFalse(SasTokens.signedWith(SasToken.parse(mixed), KEY));
    }

    @Test
    void percentDecodingKeepsPlusSigns() {
        assertEquals("a+b c", PercentEncoding.decode("a+b%20c"));
        assertEquals("%zz", PercentEncoding.decode("%zz"), "a malformed escape is kept as written");
    }
}
