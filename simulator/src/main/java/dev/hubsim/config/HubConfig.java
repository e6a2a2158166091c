package dev.hubsim.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.eventhub.EventHubSettings;
import dev.hubsim.limits.CreditPolicy;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LimitMode;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.registry.Permission;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.Tier;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * @param eventHub   the built-in Event Hub-compatible endpoint; when absent, its defaults
 * @param maxTokenLifetimeSeconds   claims last at most this long, seconds (CLI {@code --max-token-lifetime})
 * @param maxFrameSize              the AMQP max frame size the hub advertises, bytes (CLI {@code --max-frame-size})
 * @param maxTokenLifetimeAsIso8601 deprecated: {@code maxTokenLifetimeSeconds} as an ISO 8601 duration
 * @param tier      the IoT Hub tier to play, with its throttles and daily quota ({@code F1}, {@code S1}..{@code S3},
 *                  {@code B1}..{@code B3}; CLI {@code --tier}); absent or {@code off}: no throttling
 * @param units     the hub's units (CLI {@code --units}); default 1
 * @param throttle  how throttled operations queue; absent: the defaults
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies,
                        CloudToDeviceSpec cloudToDevice, LimitsSpec limits, Double maxTokenLifetimeSeconds, Integer maxFrameSize,
                        EventHubSpec eventHub, String maxTokenLifetimeAsIso8601, String tier, Integer units, ThrottleSpec throttle) {

    /** A hub without a tier (no throttling). */
    public HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies,
                     CloudToDeviceSpec cloudToDevice, LimitsSpec limits, Double maxTokenLifetimeSeconds, Integer maxFrameSize,
                     EventHubSpec eventHub, String maxTokenLifetimeAsIso8601) {
        this(name, hostNames, devices, policies, cloudToDevice, limits, maxTokenLifetimeSeconds, maxFrameSize, eventHub,
                maxTokenLifetimeAsIso8601, null, null, null);
    }

    /** A hub with the default limits and cloud-to-device settings, and this Event Hub-compatible endpoint. */
    public HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies, EventHubSpec eventHub) {
        this(name, hostNames, devices, policies, null, null, null, null, eventHub, null, null, null, null);
    }

    /** A hub with the default limits, cloud-to-device settings and Event Hub-compatible endpoint. */
    public HubConfig(String name, List<String> hostNames, List<DeviceSpec> devices, List<PolicySpec> policies) {
        this(name, hostNames, devices, policies, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Limits: a profile ({@code iothub}, the default, or {@code imp}), then single limits overridden by name
     * ({@code connectionsPerClient}, {@code sessionsPerClient}, {@code linksPerClient}, {@code d2cMessageBytes},
     * {@code c2dMessageBytes}, {@code c2dQueueDepth}) with a value and a mode (enforce, warn, off), and credit policies
     * by link kind ({@code telemetry}, {@code cloudToDevice}, {@code cbs}: {@code window:N}, {@code bucket:C:R},
     * {@code manual:N}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitsSpec(String profile, Map<String, LimitSpec> limits, Map<String, String> credit) {

        public LimitProfile toProfile() {
            LimitProfile p = LimitProfile.named(profile == null ? "iothub" : profile);
            if (limits != null) {
                for (Map.Entry<String, LimitSpec> e : limits.entrySet()) {
                    LimitKind kind = kind(e.getKey());
                    LimitSpec spec = e.getValue();
                    if (spec == null) {
                        throw new ConfigException("limits: limit '" + e.getKey() + "' has no value or mode");
                    }
                    long value = spec.value() != null ? spec.value() : p.limit(kind).value();
                    LimitMode mode = spec.mode() != null ? LimitMode.valueOf(spec.mode().toUpperCase(Locale.ROOT)) : LimitMode.ENFORCE;
                    p = p.with(kind, value, mode);
                }
            }
            if (credit != null) {
                for (Map.Entry<String, String> e : credit.entrySet()) {
                    if (e.getValue() == null) {
                        throw new ConfigException("limits.credit: link kind '" + e.getKey() + "' has no policy");
                    }
                    p = p.withCredit(linkKind(e.getKey()), CreditPolicy.parse(e.getValue()));
                }
            }
            return p;
        }

        private static LimitKind kind(String name) {
            for (LimitKind k : LimitKind.values()) {
                if (k.name().replace("_", "").equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new ConfigException("limits: unknown limit '" + name + "' (connectionsPerClient, sessionsPerClient, linksPerClient, "
                    + "d2cMessageBytes, c2dMessageBytes, c2dQueueDepth, connectionsPerAddress, claimsPerConnection)");
        }

        private static LinkKind linkKind(String name) {
            for (LinkKind k : LinkKind.values()) {
                if (k.name().replace("_", "").equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new ConfigException("limits.credit: unknown link kind '" + name + "' (telemetry, cloudToDevice, cbs)");
        }
    }

    /**
     * How throttled operations queue (README, "Throttling"): a full bucket serves {@code burstSeconds} of the rate at
     * once; past it operations queue up to {@code backlogSeconds} of the rate (then 429002), and none waits longer than
     * {@code maxWaitSeconds} (then 429003).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThrottleSpec(Double burstSeconds, Double backlogSeconds, Double maxWaitSeconds) {
    }

    /** The tier, units and queueing this hub plays; {@link ThrottleSettings#OFF} without a tier. */
    public ThrottleSettings throttleSettings() {
        Tier t;
        try {
            t = Tier.parse(tier);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tier: " + e.getMessage());
        }
        if (t == null) {
            if (units != null) {
                throw new ConfigException("units: " + units + " units need a tier (tier: S1, ...)");
            }
            return ThrottleSettings.OFF;
        }
        try {
            ThrottleSettings s = ThrottleSettings.of(t, units == null ? 1 : units);
            if (throttle != null) {
                s = new ThrottleSettings(t, s.units(), throttle.burstSeconds() != null ? throttle.burstSeconds() : s.burstSeconds(),
                        throttle.backlogSeconds() != null ? throttle.backlogSeconds() : s.backlogSeconds(),
                        throttle.maxWaitSeconds() != null ? Duration.ofMillis(Math.round(throttle.maxWaitSeconds() * 1000)) : s.maxWait());
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("units: " + e.getMessage());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitSpec(Long value, String mode) {
    }

    /** The limit profile this hub runs with: the config's, with {@code cloudToDevice.maxQueueDepth} applied. */
    public LimitProfile limitProfile() {
        LimitProfile p = limits == null ? LimitProfile.iothub() : limits.toProfile();
        if (cloudToDevice != null && cloudToDevice.maxQueueDepth() != null) {
            p = p.with(LimitKind.C2D_QUEUE_DEPTH, cloudToDevice.maxQueueDepth(), p.limit(LimitKind.C2D_QUEUE_DEPTH).mode());
        }
        return p;
    }

    /** {@code maxTokenLifetimeSeconds}, or its deprecated ISO 8601 alias; null when neither is given. */
    public Duration maxTokenLifetime() {
        return Durations.seconds("maxTokenLifetimeSeconds", maxTokenLifetimeSeconds, "maxTokenLifetimeAsIso8601", maxTokenLifetimeAsIso8601);
    }

    /**
     * Cloud-to-device settings ({@code maxQueueDepth} overrides the profile's queue-depth limit; {@code maxDeliveryCount}
     * as in the hub's ARM template); durations in seconds. Anything left out keeps the hub's value. The ISO 8601 fields
     * ({@code defaultTtlAsIso8601}, {@code lockTimeoutAsIso8601}, {@code feedbackIntervalAsIso8601}) are deprecated
     * aliases of the seconds fields.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CloudToDeviceSpec(Integer maxDeliveryCount, Double defaultTtlSeconds, Double lockTimeoutSeconds,
                                    Double feedbackIntervalSeconds, Integer maxQueueDepth, String defaultTtlAsIso8601,
                                    String lockTimeoutAsIso8601, String feedbackIntervalAsIso8601) {

        public C2dSettings applyTo(C2dSettings base) {
            C2dSettings s = base;
            if (maxDeliveryCount != null) {
                s = s.withMaxDeliveryCount(maxDeliveryCount);
            }
            Duration ttl = Durations.seconds("cloudToDevice.defaultTtlSeconds", defaultTtlSeconds, "cloudToDevice.defaultTtlAsIso8601", defaultTtlAsIso8601);
            if (ttl != null) {
                s = s.withDefaultTtl(ttl);
            }
            Duration lock = Durations.seconds("cloudToDevice.lockTimeoutSeconds", lockTimeoutSeconds, "cloudToDevice.lockTimeoutAsIso8601", lockTimeoutAsIso8601);
            if (lock != null) {
                s = s.withLockTimeout(lock);
            }
            Duration feedback = Durations.seconds("cloudToDevice.feedbackIntervalSeconds", feedbackIntervalSeconds,
                    "cloudToDevice.feedbackIntervalAsIso8601", feedbackIntervalAsIso8601);
            if (feedback != null) {
                s = s.withFeedbackInterval(feedback);
            }
            return s;
        }
    }

    /**
     * The built-in Event Hub-compatible endpoint; every field is optional.
     *
     * @param name            {@code eventHubCompatibleName}; default: the hub name
     * @param hostName        its host; must be a name in the server certificate and resolve to this machine;
     *                        default {@code localhost}
     * @param partitionCount  default 4
     * @param consumerGroups  consumer groups besides {@code $Default}
     * @param retentionSeconds how long events are kept, seconds; default 86,400 (24 h), at most 604,800 (7 days)
     * @param retainedEvents   at most this many events per partition; default 10,000
     * @param retentionHours   deprecated: {@code retentionSeconds} in hours
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventHubSpec(String name, String hostName, Integer partitionCount, List<String> consumerGroups,
                               Double retentionSeconds, Long retainedEvents, Double retentionHours) {

        /** The endpoint with the retention given in hours, as the deprecated {@code retentionHours} field does. */
        public EventHubSpec(String name, String hostName, Integer partitionCount, List<String> consumerGroups, Double retentionHours,
                            Long retainedEvents) {
            this(name, hostName, partitionCount, consumerGroups, null, retainedEvents, retentionHours);
        }

        /** {@code retentionSeconds}, or the deprecated {@code retentionHours}; null when neither is given. */
        public Duration retention() {
            if (retentionSeconds != null && retentionHours != null) {
                throw new ConfigException("eventHub: give retentionSeconds or the deprecated retentionHours, not both");
            }
            if (retentionHours != null) {
                Durations.deprecated("eventHub.retentionHours", "eventHub.retentionSeconds");
                return Duration.ofMillis(Math.round(retentionHours * 3_600_000));
            }
            return retentionSeconds == null ? null : Duration.ofMillis(Math.round(retentionSeconds * 1000));
        }
    }

    /**
     * A device of the hub definition.
     *
     * @param modules its module identities (optional)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceSpec(String deviceId, String primaryKey, String secondaryKey, DeviceStatus status, List<ModuleSpec> modules) {
        public DeviceSpec(String deviceId, String primaryKey, String secondaryKey, DeviceStatus status) {
            this(deviceId, primaryKey, secondaryKey, status, null);
        }

        /** The modules, never null. */
        public List<ModuleSpec> moduleList() {
            return modules == null ? List.of() : modules;
        }
    }

    /** A module identity of a device; keys are generated (and kept in the data directory) when not given. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModuleSpec(String moduleId, String primaryKey, String secondaryKey) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicySpec(String name, Set<Permission> permissions, String primaryKey, String secondaryKey) {
    }

    /** The settings a hub definition asks for, defaults filled in; the name defaults to the hub's. */
    public static EventHubSettings eventHubSettings(String hubName, EventHubSpec spec) {
        EventHubSpec s = spec != null ? spec : new EventHubSpec(null, null, null, null, null, null, (Double) null);
        List<String> groups = new java.util.ArrayList<>(List.of(EventHubSettings.DEFAULT_CONSUMER_GROUP));
        if (s.consumerGroups() != null) {
            s.consumerGroups().stream().filter(g -> !g.equalsIgnoreCase(EventHubSettings.DEFAULT_CONSUMER_GROUP)).forEach(groups::add);
        }
        return new EventHubSettings(s.name() != null ? s.name() : hubName,
                s.hostName() != null ? s.hostName() : EventHubSettings.DEFAULT_HOST,
                s.partitionCount() != null ? s.partitionCount() : EventHubSettings.DEFAULT_PARTITIONS,
                groups,
                s.retention() != null ? s.retention() : EventHubSettings.DEFAULT_RETENTION,
                s.retainedEvents() != null ? s.retainedEvents() : EventHubSettings.DEFAULT_RETAINED_EVENTS);
    }

    public static final String DEFAULT_HUB_NAME = "simhub";

    /** The embedded hub's one module, on {@code device1}. */
    public static final String DEFAULT_MODULE_ID = "module1";

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
                List.of(new DeviceSpec("device1", null, null, null, List.of(new ModuleSpec(DEFAULT_MODULE_ID, null, null))),
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
                cloudToDevice, limits, maxTokenLifetimeSeconds, maxFrameSize,
                eventHub == null ? new EventHubSpec(null, null, null, null, null, null, (Double) null) : eventHub, maxTokenLifetimeAsIso8601,
                tier, units, throttle);
    }
}
