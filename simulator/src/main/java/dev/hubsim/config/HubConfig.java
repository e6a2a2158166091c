package dev.hubsim.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.registry.Permission;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * A hub as written in a {@code --config} file (JSON or YAML). Keys left out are generated on first start and kept
 * in the data directory, so connection strings stay the same across restarts.
 *
 * @param name       the hub name, as in {@code {name}.azure-devices.net}; used in SASL PLAIN user names
 * @param hostNames  host names the hub answers to in SAS token {@code sr} fields and CBS audiences; the first one is
 *                   printed in connection strings (it must contain a dot for the Azure Java device SDK)
 * @param devices    device identities
 * @param policies   shared access policies; when absent, the five default IoT Hub policies
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies,
                        CloudToDeviceSpec cloudToDevice) {

    public HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies) {
        this(name, hostNames, devices, policies, null);
    }

    /**
     * Cloud-to-device settings, named as in the hub's ARM template where it has them ({@code maxDeliveryCount},
     * {@code defaultTtlAsIso8601}); durations in ISO 8601 ({@code PT1H}). Anything left out keeps the hub's value.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CloudToDeviceSpec(Integer maxDeliveryCount, String defaultTtlAsIso8601, String lockTimeoutAsIso8601,
                                    String feedbackIntervalAsIso8601, Integer maxQueueDepth) {

        public C2dSettings applyTo(C2dSettings base) {
            C2dSettings s = base;
            if (maxDeliveryCount != null) {
                s = s.withMaxDeliveryCount(maxDeliveryCount);
            }
            if (defaultTtlAsIso8601 != null) {
                s = s.withDefaultTtl(duration("defaultTtlAsIso8601", defaultTtlAsIso8601));
            }
            if (lockTimeoutAsIso8601 != null) {
                s = s.withLockTimeout(duration("lockTimeoutAsIso8601", lockTimeoutAsIso8601));
            }
            if (feedbackIntervalAsIso8601 != null) {
                s = s.withFeedbackInterval(duration("feedbackIntervalAsIso8601", feedbackIntervalAsIso8601));
            }
            if (maxQueueDepth != null) {
                s = s.withMaxQueueDepth(maxQueueDepth);
            }
            return s;
        }

        private static Duration duration(String field, String value) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new ConfigException("cloudToDevice." + field + " '" + value + "' is not an ISO 8601 duration such as PT1H or PT30S");
            }
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceSpec(String deviceId, String primaryKey, String secondaryKey, DeviceStatus status) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicySpec(String name, Set<Permission> permissions, String primaryKey, String secondaryKey) {
    }

    public static final String DEFAULT_HUB_NAME = "simhub";

    /** 127.0.0.1 first: the device SDK needs a dot in HostName and must reach this machine without a hosts entry. */
    public static final List<String> DEFAULT_HOST_NAMES = List.of("127.0.0.1", "localhost", "simhub.azure-devices.net");

    /** The policies every IoT hub is created with (reference/iothub-amqp.md §1.4). */
    public static final List<PolicySpec> DEFAULT_POLICIES = List.of(
            new PolicySpec("iothubowner", Set.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE,
                    Permission.SERVICE_CONNECT, Permission.DEVICE_CONNECT), null, null),
            new PolicySpec("service", Set.of(Permission.SERVICE_CONNECT), null, null),
            new PolicySpec("device", Set.of(Permission.DEVICE_CONNECT), null, null),
            new PolicySpec("registryRead", Set.of(Permission.REGISTRY_READ), null, null),
            new PolicySpec("registryReadWrite", Set.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE), null, null));

    /** The hub that starts when no config file is given. */
    public static HubConfig defaultHub() {
        return new HubConfig(DEFAULT_HUB_NAME, DEFAULT_HOST_NAMES,
                List.of(new DeviceSpec("device1", null, null, null),
                        new DeviceSpec("device2", null, null, null),
                        new DeviceSpec("device3", null, null, null)),
                null);
    }

    /** Fills what the file left out with the defaults. */
    public HubConfig withDefaults() {
        return new HubConfig(
                name == null ? DEFAULT_HUB_NAME : name,
                hostNames == null || hostNames.isEmpty() ? DEFAULT_HOST_NAMES : hostNames,
                devices == null ? List.of() : devices,
                policies == null ? DEFAULT_POLICIES : policies,
                cloudToDevice);
    }
}
