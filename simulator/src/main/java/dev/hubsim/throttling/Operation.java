package dev.hubsim.throttling;

import java.util.Locale;

/**
 * The operations IoT Hub throttles one by one (reference/iothub-twin-methods-mqtt.md §7.1), each with the name the
 * control API and the config use ({@code d2c}, {@code c2d}, {@code registry}, {@code connect}, {@code twin-read},
 * {@code twin-update}, {@code method}).
 */
public enum Operation {
    D2C_SEND("d2c", "device-to-cloud sends"),
    C2D_SEND("c2d", "cloud-to-device sends"),
    REGISTRY("registry", "identity registry operations"),
    CONNECT("connect", "new device connections"),
    TWIN_READ("twin-read", "twin reads"),
    TWIN_UPDATE("twin-update", "twin updates"),
    /** Metered in 4 KB units of payload: a 10 KB call costs 3. */
    METHOD("method", "direct methods");

    private final String wireName;
    private final String noun;

    Operation(String wireName, String noun) {
        this.wireName = wireName;
        this.noun = noun;
    }

    public String wireName() {
        return wireName;
    }

    public String noun() {
        return noun;
    }

    /** The operation by its control API name ({@code d2c}) or enum name, case-insensitive. */
    public static Operation parse(String name) {
        for (Operation o : values()) {
            if (o.wireName.equalsIgnoreCase(name) || o.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "' (d2c, c2d, registry, connect, twin-read, twin-update, method)");
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
