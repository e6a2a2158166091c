package dev.hubsim.config;

import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceRegistry;
import dev.hubsim.registry.DeviceStatus;
import dev.hubsim.registry.Module;
import dev.hubsim.registry.SharedAccessPolicy;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Turns a validated {@link HubConfig} into a running {@link Hub}, generating and persisting missing keys. */
public final class HubFactory {
    private HubFactory() {
    }

    public static Hub create(HubConfig config, Path dataDir) {
        HubConfig full = HubConfigLoader.validate(config.withDefaults(), "given");
        GeneratedKeys keys = GeneratedKeys.in(dataDir);
        List<Device> devices = full.devices().stream().map(d -> new Device(
                d.deviceId(),
                keys.keyFor("device/" + d.deviceId() + "/primary", d.primaryKey()),
                keys.keyFor("device/" + d.deviceId() + "/secondary", d.secondaryKey()),
                d.status() == null ? DeviceStatus.ENABLED : d.status(),
                // IoT Hub's generation id tells a re-created device from its predecessor; stable per data dir here.
                keys.remembered("device/" + d.deviceId() + "/generation", HubFactory::generationId))).toList();
        List<SharedAccessPolicy> policies = full.policies().stream().map(p -> new SharedAccessPolicy(
                p.name(), p.permissions(),
                keys.keyFor("policy/" + p.name() + "/primary", p.primaryKey()),
                keys.keyFor("policy/" + p.name() + "/secondary", p.secondaryKey()))).toList();
        List<Module> modules = full.devices().stream().flatMap(d -> d.moduleList().stream().map(m -> {
            String prefix = "module/" + d.deviceId() + "/" + m.moduleId() + "/";
            return new Module(d.deviceId(), m.moduleId(), keys.keyFor(prefix + "primary", m.primaryKey()),
                    keys.keyFor(prefix + "secondary", m.secondaryKey()), keys.remembered(prefix + "generation", HubFactory::generationId), null);
        })).toList();
        keys.saveIfChanged();
        return new Hub(full.name(), full.hostNames(), new DeviceRegistry(devices, policies, modules));
    }

    private static String generationId() {
        // A digit string like the hub's (e.g. 638123456789012345).
        return Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000_000_000L));
    }
}
