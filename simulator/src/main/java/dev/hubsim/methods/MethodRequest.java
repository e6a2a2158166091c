package dev.hubsim.methods;

import java.util.UUID;

/**
 * One invocation on its way to the device: the request ID the device's answer must echo (a random v4 UUID, which every
 * SDK can echo, reference/iothub-twin-methods-mqtt.md §2.2), the method name and the JSON payload's bytes.
 */
public record MethodRequest(UUID requestId, MethodTarget target, String methodName, byte[] payload) {
}
