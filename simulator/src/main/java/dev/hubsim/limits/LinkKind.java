package dev.hubsim.limits;

/** The client sending links whose credit a profile can set one by one. */
public enum LinkKind {
    TELEMETRY, CLOUD_TO_DEVICE, CBS
}
