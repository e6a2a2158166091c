package dev.hubsim.twin;

/** A twin operation the hub refuses; each face puts the reason on its wire in its own form. */
public final class TwinException extends RuntimeException {
    /** Why, by meaning. */
    public enum Reason {
        /** No such device (or module) in the registry. */
        NOT_FOUND,
        /** The caller's etag is not the twin's current one. */
        PRECONDITION_FAILED,
        /** A patch or document breaks a documented rule (JSON form, key, value, depth, size). */
        INVALID
    }

    private final Reason reason;

    public TwinException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
