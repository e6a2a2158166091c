package dev.hubsim.amqp.link;

import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.fuzz.FuzzText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Property-based fuzzing of the link address parser: any address in either role gives a path (Unknown at worst) and
 * never an exception; a device path written any documented way gives back the device ID it encodes.
 */
class HubPathFuzzTest {

    @Provide
    Arbitrary<String> addresses() {
        return Arbitraries.oneOf(FuzzText.anyString(120), FuzzText.syntaxHeavy("/:%$.amqps", 80),
                FuzzText.mutated(Arbitraries.of("/devices/device1/messages/events", "amqps://h:5671/devices/d/modules/m/messages/devicebound",
                        "/messages/events/ConsumerGroups/$Default/Partitions/0", "$cbs", "/messages/serviceBound/feedback", "://", "/%")));
    }

    @Property
    void anyAddressInEitherRoleParsesToAPath(@ForAll("addresses") String address, @ForAll LinkRole role) {
        HubPath path = HubPath.parse(address, role);
        assertNotNull(path);
        assertEquals(address, path.address());
        path.resource(); // every path can say which claim it needs
    }

    @Property
    void aDevicePathGivesBackItsDeviceId(@ForAll("deviceIds") String deviceId, @ForAll("prefixes") String prefix,
                                         @ForAll("tails") String tail, @ForAll boolean sender) {
        String address = prefix + "devices/" + PercentEncoding.encode(deviceId) + "/messages/" + tail;
        HubPath path = HubPath.parse(address, sender ? LinkRole.CLIENT_SENDER : LinkRole.CLIENT_RECEIVER);
        boolean events = tail.equalsIgnoreCase("events");
        if (events == sender) {
            String parsed = events ? assertInstanceOf(HubPath.DeviceTelemetry.class, path).deviceId()
                    : assertInstanceOf(HubPath.DeviceBound.class, path).deviceId();
            assertEquals(deviceId, parsed);
        } else {
            assertInstanceOf(HubPath.Unknown.class, path, "the wrong role for " + address);
        }
    }

    @Provide
    Arbitrary<String> deviceIds() {
        // Any ID the registry could hold (IoT Hub's set includes '%' and '+'), URL-encoded on the path.
        return Arbitraries.strings().withChars("abcXYZ019-:.+%_#*?!(),=@;$'").ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("/", "", "amqps://simhub.azure-devices.net/", "amqps://127.0.0.1:5671/", "//");
    }

    @Provide
    Arbitrary<String> tails() {
        return Combinators.combine(Arbitraries.of("events", "devicebound"), Arbitraries.longs())
                .as((t, seed) -> (seed & 1) == 0 ? t : t.toUpperCase(java.util.Locale.ROOT));
    }
}
