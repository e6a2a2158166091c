package dev.hubsim.auth;

import dev.hubsim.config.HubFactory;
import dev.hubsim.registry.Hub;
import dev.hubsim.config.HubConfig;
import dev.hubsim.fuzz.FuzzText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based fuzzing of the SAS token parser and the validator behind {@code $cbs} and SASL PLAIN: any text is a
 * token or a {@link SasToken.MalformedTokenException}, never another exception; well-formed tokens round-trip; the
 * validator answers every parsed token with a verdict.
 */
class SasTokenFuzzTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static Hub hub;
    private static TokenValidator validator;

    @BeforeContainer
    static void hub() throws Exception {
        hub = HubFactory.create(HubConfig.defaultHub(), Files.createTempDirectory("sas-fuzz"));
        validator = TokenValidator.iotHub(hub, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Provide
    Arbitrary<String> tokenish() {
        return Arbitraries.oneOf(
                FuzzText.anyString(200),
                FuzzText.syntaxHeavy("SharedAccessSignature sr=&sig=se=skn=% \t\n+/", 120),
                FuzzText.syntaxHeavy("&=%0123456789", 80).map(s -> "SharedAccessSignature " + s),
                FuzzText.mutated(Arbitraries.of(
                        "SharedAccessSignature sr=127.0.0.1%2Fdevices%2Fdevice1&sig=abc%3D&se=1767225600",
                        "SharedAccessSignature sig=abc&se=99999999999999999999&sr=h/devices/d&skn=service",
                        "SharedAccessSignature sr=h&sig=x&se=-9223372036854775808")));
    }

    @Property
    void anyTextIsATokenOrAMalformedTokenException(@ForAll("tokenish") String text) {
        try {
            SasToken token = SasToken.parse(text);
            assertNotNull(token.resourceUri());
            assertTrue(!token.resourceUri().isEmpty() && !token.signature().isEmpty(), "sr and sig are never empty");
            // Every parsed se is an instant the validator can compute with (year 0 to 9999).
            Instant.ofEpochSecond(token.expirySeconds()).plus(Duration.ofDays(1));
        } catch (SasToken.MalformedTokenException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Property
    void theValidatorAnswersEveryTokenAndAudienceWithAVerdict(@ForAll("tokenish") String text, @ForAll("audiences") String audience) {
        TokenVerdict verdict = validator.validate(text, audience, Claim.Method.CBS);
        if (verdict instanceof TokenVerdict.Refused refused) {
            // A token that does not parse is 400 (malformed) wherever it is presented; any other refusal is 401.
            assertEquals(parses(text) ? 401 : 400, refused.statusCode(), refused.description());
            assertNotNull(refused.description());
        } else {
            throw new AssertionError("a random token was granted: " + text);
        }
    }

    private static boolean parses(String text) {
        try {
            SasToken.parse(text);
            return true;
        } catch (SasToken.MalformedTokenException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> audiences() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of("127.0.0.1/devices/device1", "simhub.azure-devices.net", "localhost"),
                FuzzText.syntaxHeavy("/%:.", 60));
    }

    /** A token field set written in any order, names in any case; parse gives the fields back (sr literally). */
    @Property
    void wellFormedTokensRoundTrip(@ForAll("resources") String resource, @ForAll("signatures") String signature,
                                   @ForAll("expiries") long se, @ForAll("keyNames") String keyName, @ForAll long seed) throws Exception {
        String sr = PercentEncoding.encode(resource);
        List<String> fields = new ArrayList<>(List.of(name("sr", seed) + "=" + sr, name("sig", seed >> 3) + "=" + PercentEncoding.encode(signature),
                name("se", seed >> 6) + "=" + se));
        if (keyName != null) {
            fields.add(name("skn", seed >> 9) + "=" + PercentEncoding.encode(keyName));
        }
        Collections.shuffle(fields, new Random(seed));
        SasToken token = SasToken.parse("SharedAccessSignature " + String.join("&", fields));
        assertEquals(new SasToken(sr, signature, Long.toString(se), se, keyName), token);
    }

    @Property
    void aTokenSignedWithTheDeviceKeyIsGrantedExactlyWhileItsExpiryPlusSkewIsAhead(@ForAll("expiries") long se) {
        String key = hub.registry().device("device1").orElseThrow().primaryKey();
        String token = SasTokens.create("127.0.0.1/devices/device1", key, Instant.ofEpochSecond(se), null);
        TokenVerdict verdict = validator.validate(token, "127.0.0.1/devices/device1", Claim.Method.CBS);
        boolean live = !NOW.isAfter(Instant.ofEpochSecond(se).plus(Duration.ofMinutes(5)));
        if (live) {
            assertInstanceOf(TokenVerdict.Granted.class, verdict, "se " + se);
        } else {
            String description = ((TokenVerdict.Refused) verdict).description();
            assertTrue(description.startsWith("The specified SAS token has expired."), description); // reference/iothub-amqp.md §1.2
        }
    }

    @Provide
    Arbitrary<String> resources() {
        return Combinators.combine(Arbitraries.of("127.0.0.1", "simhub.azure-devices.net", "h"),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30)).as((h, id) -> h + "/devices/" + id);
    }

    @Provide
    Arbitrary<String> signatures() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=").ofMinLength(1).ofMaxLength(60);
    }

    @Provide
    Arbitrary<Long> expiries() {
        return Arbitraries.longs().between(0, SasToken.MAX_EXPIRY_SECONDS).edgeCases(c -> c.add(NOW.getEpochSecond() - 300));
    }

    @Provide
    Arbitrary<String> keyNames() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().withCharRange((char) 0x20, (char) 0xD7FF).ofMinLength(1).ofMaxLength(20));
    }

    private static String name(String field, long seed) {
        return (seed & 1) == 1 ? field.toUpperCase(java.util.Locale.ROOT) : field;
    }
}
