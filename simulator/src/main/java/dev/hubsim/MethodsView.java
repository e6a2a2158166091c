package dev.hubsim;

import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodOutcome;
import dev.hubsim.methods.MethodTarget;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Direct methods from a test: invoke a method on a connected device or module as a service would (the same rules and
 * errors as {@code POST /twins/{id}/methods}), and the calls the hub has seen.
 */
public final class MethodsView {
    /**
     * One finished call.
     *
     * @param answered  true when the device answered: {@code status} and {@code payload} are its own; else {@code status}
     *                  is the hub's HTTP status and {@code errorCode} its code (404103, 504101, ...)
     * @param payload   the device's JSON payload, or null
     * @param errorCode the hub's numeric error code, or 0
     */
    public record MethodCall(String deviceId, String moduleId, String methodName, boolean answered, int status, String payload, int errorCode) {
        static MethodCall of(MethodTarget target, String methodName, MethodOutcome outcome) {
            if (outcome instanceof MethodOutcome.Answered a) {
                return new MethodCall(target.deviceId(), target.moduleId(), methodName, true, a.status(),
                        a.payload().length == 0 ? null : new String(a.payload(), StandardCharsets.UTF_8), 0);
            }
            MethodOutcome.Failed f = (MethodOutcome.Failed) outcome;
            return new MethodCall(target.deviceId(), target.moduleId(), methodName, false, f.httpStatus(), null, f.code());
        }
    }

    private final DirectMethods methods;

    MethodsView(DirectMethods methods) {
        this.methods = methods;
    }

    /**
     * Invokes {@code methodName} on the device ({@code moduleId} null) or module with this JSON payload (null: none) and
     * waits for the outcome: the device's answer, or the hub's error after the response timeout (5-300 s) or at once
     * when the device is not subscribed.
     */
    public MethodCall invoke(String deviceId, String moduleId, String methodName, String payloadJson, Duration responseTimeout)
            throws InterruptedException {
        MethodTarget target = new MethodTarget(deviceId, moduleId);
        try {
            MethodOutcome outcome = methods.invoke(target, methodName, payloadJson == null ? null : payloadJson.getBytes(StandardCharsets.UTF_8),
                    responseTimeout, Duration.ZERO).get();
            return MethodCall.of(target, methodName, outcome);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the method call failed", e.getCause());
        }
    }

    /** The finished calls, oldest first (the last 1,000; {@link HubSimulator#reset()} forgets them). */
    public List<MethodCall> calls() {
        return methods.calls().stream().map(c -> MethodCall.of(c.target(), c.methodName(), c.outcome())).toList();
    }

    /** Forgets the finished calls, as {@code DELETE /hubsim/methods/calls} does; returns how many there were. */
    public int clearCalls() {
        return methods.reset();
    }
}
