package dev.hubsim.methods;

/** A device (or module) connected for direct methods on some face: it delivers requests to the device. Must not block. */
@FunctionalInterface
public interface MethodSubscriber {
    void deliver(MethodRequest request);
}
