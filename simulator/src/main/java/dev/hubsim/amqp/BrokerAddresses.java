package dev.hubsim.amqp;

/**
 * Names of the broker addresses behind the hub's paths. Everything internal lives under {@code hubsim.}.
 */
final class BrokerAddresses {
    private BrokerAddresses() {
    }

    public static final String PREFIX = "hubsim.";

    public static boolean isInternal(String address) {
        return address != null && address.startsWith(PREFIX);
    }
}
