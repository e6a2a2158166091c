package dev.hubsim.config;

import dev.hubsim.registry.Hub;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.registry.Permission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubConfigLoaderTest {
    private static final String KEY = "bXktdGVzdC1rZXktdGhhdC1pcy1sb25nLWVub3VnaA==";

    @Test
    void jsonAndYamlDescribeTheSameHub(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hub.yaml");
        Files.writeString(yaml, "name: plant\nhostNames: [plant.example.net]\ndevices:\n  - deviceId: press-1\n    primaryKey: " + KEY
                + "\n    status: disabled\npolicies:\n  - name: ops\n    permissions: [ServiceConnect, RegistryRead]\n");
        Path json = dir.resolve("hub.json");
        Files.writeString(json, "{\"name\":\"plant\",\"hostNames\":[\"plant.example.net\"],\"devices\":[{\"deviceId\":\"press-1\",\"primaryKey\":\""
                + KEY + "\",\"status\":\"disabled\"}],\"policies\":[{\"name\":\"ops\",\"permissions\":[\"ServiceConnect\",\"RegistryRead\"]}]}");
        HubConfig fromYaml = HubConfigLoader.load(yaml);
        assertEquals(fromYaml, HubConfigLoader.load(json));
        assertEquals(DeviceStatus.DISABLED, fromYaml.devices().get(0).status());
        assertEquals(Set.of(Permission.SERVICE_CONNECT, Permission.REGISTRY_READ), fromYaml.policies().get(0).permissions());
    }

    @Test
    void missingPoliciesMeanTheFiveDefaultOnes(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hub.yaml");
        Files.writeString(yaml, "name: plant\n");
        HubConfig config = HubConfigLoader.load(yaml);
        assertEquals(List.of("iothubowner", "service", "device", "registryRead", "registryReadWrite"),
                config.policies().stream().map(HubConfig.PolicySpec::name).toList());
        assertEquals(HubConfig.DEFAULT_HOST_NAMES, config.hostNames());
    }

    @Test
    void generatedKeysAndGenerationIdsAreStablePerDataDirectory(@TempDir Path dir) {
        Hub first = HubFactory.create(HubConfig.defaultHub(), dir);
        Hub again = HubFactory.create(HubConfig.defaultHub(), dir);
        Hub elsewhere = HubFactory.create(HubConfig.defaultHub(), dir.resolve("other"));
        assertEquals(first.registry().devices(), again.registry().devices());
        assertEquals(first.registry().policies(), again.registry().policies());
        assertNotEquals(first.registry().devices().get(0).primaryKey(), elsewhere.registry().devices().get(0).primaryKey());
        assertNotEquals(first.registry().devices().get(0).primaryKey(), first.registry().devices().get(0).secondaryKey());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name: 'my hub'                                        | hub name 'my hub' must be 1-50 letters, digits or hyphens",
            "hostNames: ['https://x.example']                     | host name 'https://x.example' must be a bare host name",
            "devices: [{deviceId: 'a b'}]                          | device id 'a b' is missing or has characters IoT Hub does not allow",
            "devices: [{deviceId: d1}, {deviceId: d1}]             | device id 'd1' appears twice",
            "devices: [{deviceId: d1, primaryKey: 'c2hvcnQ='}]     | device 'd1' primaryKey decodes to fewer than 16 bytes",
            "policies: [{name: p}]                                 | policy 'p' has no permissions",
            "policies: [{name: p, permissions: [Everything]}]      | is not a valid hub definition",
            "cloudToDevice: {maxDeliveryCount: 101}                | cloudToDevice.maxDeliveryCount must be 1-100 like the hub's, not 101",
            "cloudToDevice: {lockTimeoutAsIso8601: '5 seconds'}    | cloudToDevice.lockTimeoutAsIso8601 '5 seconds' is not an ISO 8601 duration",
            "eventHub: {partitionCount: 0}                         | eventHub partitionCount 0 must be between 1 and 128",
            "eventHub: {consumerGroups: [a, A]}                    | eventHub consumer group 'A' appears twice",
            "eventHub: {retentionHours: 200}                       | eventHub retentionHours 200.0 must be more than 0 and at most 168",
            "eventHub: {hostName: 'localhost:5671'}                | eventHub hostName 'localhost:5671' must be a bare host name",
            "eventHub: {name: messages}                            | would shadow the hub's own /messages paths",
            "tier: S4                                              | tier: unknown tier 'S4' (F1, S1, S2, S3, B1, B2, B3 or off)",
            "{tier: S3, units: 11}                                 | units: tier S3 takes 1 to 10 units, not 11",
            "units: 2                                              | units: 2 units need a tier",
    })
    void invalidDefinitionsNameTheProblem(String yaml, String expected, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, yaml + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> HubConfigLoader.load(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theFixtureHubDefinitionLoads() {
        HubConfig factory = HubConfigLoader.load(Path.of("../fixtures/hubs/factory-hub.yaml"));
        assertEquals("factory", factory.name());
        assertEquals(3, factory.devices().size());
        assertEquals(DeviceStatus.DISABLED, factory.devices().get(2).status());
        dev.hubsim.eventhub.EventHubSettings eh = HubConfig.eventHubSettings(factory.name(), factory.eventHub());
        assertEquals("factory", eh.name(), "the Event Hub is named after the hub unless told otherwise");
        assertEquals(2, eh.partitionCount());
        assertEquals(java.util.List.of("$Default", "dashboards"), eh.consumerGroups());
        assertEquals(java.time.Duration.ofHours(6), eh.retention());
        assertEquals(1000, eh.retainedEvents());
    }

    @Test
    void cloudToDeviceSettingsOverrideOnlyWhatTheyName(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hub.yaml");
        Files.writeString(yaml, "cloudToDevice:\n  maxDeliveryCount: 3\n  lockTimeoutAsIso8601: PT5S\n");
        dev.hubsim.c2d.C2dSettings settings = HubConfigLoader.load(yaml).cloudToDevice().applyTo(dev.hubsim.c2d.C2dSettings.hubDefaults());
        assertEquals(3, settings.maxDeliveryCount());
        assertEquals(java.time.Duration.ofSeconds(5), settings.lockTimeout());
        assertEquals(java.time.Duration.ofHours(1), settings.defaultTtl(), "unnamed settings keep the hub's values");
        assertEquals(50, HubConfigLoader.load(yaml).limitProfile().limit(dev.hubsim.limits.LimitKind.C2D_QUEUE_DEPTH).value());
    }

    /** One unit for durations (seconds); the ISO 8601 and hour fields of earlier versions still work, as aliases. */
    @Test
    void durationsAreSecondsAndTheOldFieldNamesStillWork(@TempDir Path dir) throws Exception {
        Path seconds = dir.resolve("seconds.yaml");
        Files.writeString(seconds, "maxTokenLifetimeSeconds: 30\nmaxFrameSize: 16384\ncloudToDevice:\n  lockTimeoutSeconds: 0.5\n"
                + "  defaultTtlSeconds: 120\n  feedbackIntervalSeconds: 2\neventHub:\n  retentionSeconds: 7200\n");
        Path old = dir.resolve("old.yaml");
        Files.writeString(old, "maxTokenLifetimeAsIso8601: PT30S\ncloudToDevice:\n  lockTimeoutAsIso8601: PT0.5S\n"
                + "  defaultTtlAsIso8601: PT2M\n  feedbackIntervalAsIso8601: PT2S\neventHub:\n  retentionHours: 2\n");
        for (Path file : List.of(seconds, old)) {
            HubConfig config = HubConfigLoader.load(file);
            dev.hubsim.c2d.C2dSettings c2d = config.cloudToDevice().applyTo(dev.hubsim.c2d.C2dSettings.hubDefaults());
            assertEquals(java.time.Duration.ofSeconds(30), config.maxTokenLifetime(), file.toString());
            assertEquals(java.time.Duration.ofMillis(500), c2d.lockTimeout(), file.toString());
            assertEquals(java.time.Duration.ofMinutes(2), c2d.defaultTtl(), file.toString());
            assertEquals(java.time.Duration.ofSeconds(2), c2d.feedbackInterval(), file.toString());
            assertEquals(java.time.Duration.ofHours(2), HubConfig.eventHubSettings("h", config.eventHub()).retention(), file.toString());
        }
        assertEquals(16384, HubConfigLoader.load(seconds).maxFrameSize());
        Files.writeString(old, "maxTokenLifetimeSeconds: 30\nmaxTokenLifetimeAsIso8601: PT30S\n");
        ConfigException both = assertThrows(ConfigException.class, () -> HubConfigLoader.load(old));
        assertTrue(both.getMessage().contains("give maxTokenLifetimeSeconds or the deprecated maxTokenLifetimeAsIso8601, not both"), both.getMessage());
        Files.writeString(old, "maxFrameSize: 100\n");
        assertTrue(assertThrows(ConfigException.class, () -> HubConfigLoader.load(old)).getMessage().contains("maxFrameSize 100 must be at least 512"));
    }

    @Test
    void aTierWithUnitsAndQueueingInSeconds(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hub.yaml");
        Files.writeString(yaml, "tier: s2\nunits: 3\nthrottle:\n  burstSeconds: 0.5\n  backlogSeconds: 2\n  maxWaitSeconds: 1.5\n");
        dev.hubsim.throttling.ThrottleSettings t = HubConfigLoader.load(yaml).throttleSettings();
        assertEquals(new dev.hubsim.throttling.ThrottleSettings(dev.hubsim.throttling.Tier.S2, 3, 0.5, 2, java.time.Duration.ofMillis(1500)), t);
        Files.writeString(yaml, "name: plain\n");
        assertEquals(dev.hubsim.throttling.ThrottleSettings.OFF, HubConfigLoader.load(yaml).throttleSettings(), "no tier: throttling off");
    }

    @Test
    void aMissingFileSaysSo(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> HubConfigLoader.load(dir.resolve("nope.yaml")));
        assertEquals("config file " + dir.resolve("nope.yaml") + " does not exist", e.getMessage());
    }
}
