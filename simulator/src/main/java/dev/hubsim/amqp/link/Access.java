package dev.hubsim.amqp.link;

import dev.hubsim.auth.ResourceUri;

/** What an attach needs before its link may open; the router checks it against the connection's hub claims. */
sealed interface Access {
    /** Nothing ({@code $cbs}). */
    record None() implements Access {
    }

    /** DeviceConnect over the device (or module) path, and a registered, enabled device. */
    record Device(String deviceId, String moduleId, ResourceUri resource) implements Access {
    }

    /** DeviceConnect over any device: a path of the hub's that names no device ({@code /messages/serviceBound/feedback}). */
    record AnyDevice() implements Access {
    }

    /** ServiceConnect over this hub path. */
    record Service(ResourceUri resource) implements Access {
    }

    /** The kind checks on its own when it opens (the Event Hub-compatible endpoint, with its own claims and texts). */
    record OwnCheck() implements Access {
    }

    static Access none() {
        return new None();
    }

    static Access ownCheck() {
        return new OwnCheck();
    }
}
