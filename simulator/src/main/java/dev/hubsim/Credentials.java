package dev.hubsim;

import dev.hubsim.auth.SasTokens;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Module;
import dev.hubsim.registry.SharedAccessPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.NoSuchElementException;

/** Connection strings and SAS tokens for the hub's devices and policies, as the facade hands them out. */
record Credentials(Hub hub, Clock clock) {
    String deviceConnectionString(String deviceId) {
        Device device = device(deviceId);
        return "HostName=" + hub.primaryHostName() + ";DeviceId=" + device.deviceId() + ";SharedAccessKey=" + device.primaryKey();
    }

    String moduleConnectionString(String deviceId, String moduleId) {
        Module module = module(deviceId, moduleId);
        return "HostName=" + hub.primaryHostName() + ";DeviceId=" + module.deviceId() + ";ModuleId=" + module.moduleId()
                + ";SharedAccessKey=" + module.primaryKey();
    }

    String moduleToken(String deviceId, String moduleId, Duration validFor) {
        return SasTokens.create(hub.primaryHostName() + "/devices/" + deviceId + "/modules/" + moduleId, module(deviceId, moduleId).primaryKey(),
                clock.instant().plus(validFor), null);
    }

    String policyConnectionString(String policyName) {
        SharedAccessPolicy policy = policy(policyName);
        return "HostName=" + hub.primaryHostName() + ";SharedAccessKeyName=" + policy.name() + ";SharedAccessKey=" + policy.primaryKey();
    }

    String deviceToken(String deviceId, Duration validFor) {
        return SasTokens.create(hub.primaryHostName() + "/devices/" + deviceId, device(deviceId).primaryKey(), clock.instant().plus(validFor), null);
    }

    String policyToken(String policyName, Duration validFor) {
        SharedAccessPolicy policy = policy(policyName);
        return SasTokens.create(hub.primaryHostName(), policy.primaryKey(), clock.instant().plus(validFor), policy.name());
    }

    private Device device(String deviceId) {
        return hub.registry().device(deviceId).orElseThrow(() -> new NoSuchElementException("no device '" + deviceId + "'"));
    }

    private Module module(String deviceId, String moduleId) {
        return hub.registry().modules().module(deviceId, moduleId)
                .orElseThrow(() -> new NoSuchElementException("no module '" + moduleId + "' on device '" + deviceId + "'"));
    }

    private SharedAccessPolicy policy(String name) {
        return hub.registry().policy(name).orElseThrow(() -> new NoSuchElementException("no policy '" + name + "'"));
    }
}
