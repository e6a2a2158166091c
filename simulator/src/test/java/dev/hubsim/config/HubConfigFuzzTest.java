package dev.hubsim.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hubsim.fuzz.FuzzText;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.registry.Permission;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Property-based fuzzing of the hub definition loader: any text, any YAML tree of the right keys with values of the
 * wrong types, and any one-character edit of the shipped fixture is a hub or a one-line {@link ConfigException}; a
 * valid hub written out as YAML reads back equal.
 */
class HubConfigFuzzTest {
    private static final String FIXTURE = read();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String read() {
        try {
            return Files.readString(Path.of("..", "fixtures", "hubs", "factory-hub.yaml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the fixture hub is part of the repository", e);
        }
    }

    @Provide
    Arbitrary<String> documents() {
        return Arbitraries.oneOf(FuzzText.anyString(200), FuzzText.syntaxHeavy("{}[]:,-\n \"'#&*!|>%@`", 150),
                FuzzText.mutated(Arbitraries.just(FIXTURE)), trees().map(HubConfigFuzzTest::yaml));
    }

    /** Known keys with arbitrary values: Jackson's type errors and the loader's own checks both get exercised. */
    private Arbitrary<Object> trees() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d), FuzzText.anyString(20).map(s -> (Object) s),
                Arbitraries.of("", "disabled", "enabled", "ServiceConnect", "PT1S", "P-1D", "iothub", "imp", "-1", "1e999",
                        "dGVzdC1vbmx5LWtleS1mb3ItcHJlc3MtMDItLS0tLS0=").map(s -> (Object) s));
        Arbitrary<Object> list = scalar.list().ofMaxSize(3).map(l -> (Object) l);
        List<String> keys = List.of("name", "hostNames", "devices", "policies", "cloudToDevice", "limits", "maxTokenLifetimeAsIso8601", "eventHub",
                "deviceId", "primaryKey", "status", "permissions", "partitionCount", "consumerGroups", "retentionHours", "retainedEvents",
                "maxDeliveryCount", "defaultTtlAsIso8601", "maxQueueDepth", "profile", "credit", "value", "mode", "telemetry", "linksPerClient",
                "maxTokenLifetimeSeconds", "maxFrameSize", "defaultTtlSeconds", "lockTimeoutSeconds", "feedbackIntervalSeconds", "retentionSeconds");
        Arbitrary<Object> inner = Arbitraries.maps(Arbitraries.of(keys), Arbitraries.oneOf(scalar, list)).ofMaxSize(4).map(m -> (Object) m);
        Arbitrary<Object> innerList = inner.list().ofMaxSize(3).map(l -> (Object) l);
        return Arbitraries.maps(Arbitraries.of(keys), Arbitraries.oneOf(scalar, list, inner, innerList)).ofMaxSize(6).map(m -> (Object) m);
    }

    private static String yaml(Object tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property
    void anyDocumentIsAHubOrAConfigException(@ForAll("documents") String text) {
        try {
            HubConfig config = HubConfigLoader.parse(text, "fuzz.yaml");
            assertNotNull(config.name());
            config.devices().forEach(d -> assertNotNull(d.deviceId()));
        } catch (ConfigException e) {
            assertNotNull(e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'), "the CLI prints it as one line: " + e.getMessage());
        }
    }

    /** Found by the long run: empty list entries were NullPointerExceptions. */
    @net.jqwik.api.Example
    void emptyEntriesAreConfigErrors() {
        for (String text : List.of("devices: [null]", "policies: [~]", "limits: {limits: {linksPerClient: null}}", "limits: {credit: {cbs: null}}")) {
            try {
                HubConfigLoader.parse(text, "empty.yaml");
                throw new AssertionError("accepted: " + text);
            } catch (ConfigException expected) {
                assertNotNull(expected.getMessage());
            }
        }
    }

    @Property
    void aValidHubWrittenAsYamlReadsBackEqual(@ForAll("hubs") HubConfig hub) throws Exception {
        assertEquals(hub.withDefaults(), HubConfigLoader.parse(YAML.writeValueAsString(hub), "written.yaml"));
    }

    @Provide
    Arbitrary<HubConfig> hubs() {
        Arbitrary<String> key = Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(64).map(b -> Base64.getEncoder().encodeToString(b));
        Arbitrary<HubConfig.DeviceSpec> device = Combinators.combine(
                Arbitraries.strings().withChars("abcXYZ019-:.+%_#*?!(),=@;$'").ofMinLength(1).ofMaxLength(128),
                Arbitraries.oneOf(Arbitraries.just(null), key), Arbitraries.oneOf(Arbitraries.just(null), key),
                Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of(DeviceStatus.class))).as(HubConfig.DeviceSpec::new);
        Arbitrary<HubConfig.PolicySpec> policy = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20),
                Arbitraries.of(Permission.class).set().ofMinSize(1), Arbitraries.oneOf(Arbitraries.just(null), key))
                .as((n, p, k) -> new HubConfig.PolicySpec(n, p, k, null));
        return Combinators.combine(Arbitraries.strings().withChars("abcXYZ019-").ofMinLength(1).ofMaxLength(50),
                Arbitraries.strings().withChars("abc.-019").ofMinLength(1).ofMaxLength(30).list().ofMinSize(1).ofMaxSize(3),
                device.list().ofMaxSize(5).uniqueElements(HubConfig.DeviceSpec::deviceId),
                Arbitraries.oneOf(Arbitraries.just(null), policy.list().ofMinSize(1).ofMaxSize(4).uniqueElements(p -> p.name().toLowerCase(java.util.Locale.ROOT))))
                .as(HubConfig::new);
    }

}
