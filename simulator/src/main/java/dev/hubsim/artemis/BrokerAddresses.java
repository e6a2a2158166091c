package dev.hubsim.artemis;

import dev.hubsim.auth.PercentEncoding;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Names of the broker addresses behind the hub's paths. Everything internal lives under {@code hubsim.}; device IDs
 * are percent-encoded because Artemis gives '.', '*' and '#' meaning in address names.
 */
public final class BrokerAddresses {
    public static final String PREFIX = "hubsim.";
    /** The address the service's cloud-to-device link is bound to before each message picks its device queue. */
    public static final SimpleString C2D_ROUTER = SimpleString.of(PREFIX + "c2d");

    public SimpleString deviceQueue(String deviceId) {
        return SimpleString.of(PREFIX + "c2d." + PercentEncoding.encode(deviceId));
    }

    public static boolean isInternal(String address) {
        return address != null && address.startsWith(PREFIX);
    }
}
