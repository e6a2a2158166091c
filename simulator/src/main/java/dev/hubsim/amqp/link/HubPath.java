package dev.hubsim.amqp.link;

import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.ResourceUri;

import java.util.List;

/**
 * What a link address means on the hub (seed iothub-amqp-support.md link tables; reference/iothub-amqp.md §4):
 * path literals match case-insensitively; {@code amqps://{host}/...}, {@code /...} and bare paths are all accepted;
 * IDs are URL-decoded.
 */
sealed interface HubPath {

    /** The address as the client wrote it, for error descriptions. */
    String address();

    /** The hub resource a claim must cover to use this path, or null when no claim is needed ($cbs). */
    ResourceUri resource();

    record Cbs(String address) implements HubPath {
        public ResourceUri resource() {
            return null;
        }
    }

    /** {@code /devices/{id}/messages/events}, a device's telemetry sender. */
    record DeviceTelemetry(String address, String deviceId, String moduleId) implements HubPath {
        public ResourceUri resource() {
            return deviceResource(deviceId, moduleId);
        }
    }

    /** {@code /devices/{id}/messages/devicebound}, a device's cloud-to-device receiver. */
    record DeviceBound(String address, String deviceId, String moduleId) implements HubPath {
        public ResourceUri resource() {
            return deviceResource(deviceId, moduleId);
        }
    }

    /** {@code /messages/devicebound}, the service's cloud-to-device sender. */
    record ServiceDeviceBound(String address) implements HubPath {
        public ResourceUri resource() {
            return ResourceUri.path("messages", "devicebound");
        }
    }

    /** {@code /messages/serviceBound/feedback}, the service's receiver of delivery feedback. */
    /** {@code /messages/serviceBound/feedback} as a device's sender (seed iothub-amqp-support.md, device link paths). */
    record DeviceFeedback(String address) implements HubPath {
        @Override
        public ResourceUri resource() {
            return ResourceUri.path("messages", "serviceBound", "feedback");
        }
    }

    record ServiceFeedback(String address) implements HubPath {
        public ResourceUri resource() {
            return ResourceUri.path("messages", "serviceBound", "feedback");
        }
    }

    /**
     * {@code /messages/events/ConsumerGroups/{cg}/Partitions/{p}}, a service receiver of device telemetry: the hub
     * answers with a redirect to its Event Hub-compatible endpoint (reference/iothub-amqp.md §5).
     */
    record ServiceEvents(String address, String consumerGroup, String partitionId) implements HubPath {
        public ResourceUri resource() {
            return ResourceUri.path("messages", "events");
        }

        /** The same path below the Event Hub's name. */
        public String eventHubSuffix() {
            return "ConsumerGroups/" + consumerGroup + "/Partitions/" + partitionId;
        }
    }

    /** {@code /messages/events/$management}, redirected like {@link ServiceEvents}. */
    record ServiceEventsManagement(String address) implements HubPath {
        public ResourceUri resource() {
            return ResourceUri.path("messages", "events");
        }

        public String eventHubSuffix() {
            return "$management";
        }
    }

    /** {@code /devices/{id}[/modules/{mid}]/twin}: both links of a device's (or module's) twin channel. */
    record Twin(String address, String deviceId, String moduleId) implements HubPath {
        public ResourceUri resource() {
            return deviceResource(deviceId, moduleId);
        }
    }

    /** Anything the hub does not serve for this link role. */
    record Unknown(String address) implements HubPath {
        public ResourceUri resource() {
            return null;
        }
    }

    static ResourceUri deviceResource(String deviceId, String moduleId) {
        return moduleId == null ? ResourceUri.path("devices", deviceId) : ResourceUri.path("devices", deviceId, "modules", moduleId);
    }

    /**
     * Reads the address of a link: its target when the client sends, its source when the client receives.
     */
    static HubPath parse(String address, LinkRole role) {
        if (address == null) {
            return new Unknown(null);
        }
        List<String> s = AddressSegments.of(address);
        if (s.size() == 1 && s.get(0).equalsIgnoreCase(CbsPath.NAME)) {
            return new Cbs(address);
        }
        if (s.size() == 2 && is(s, 0, "messages") && is(s, 1, "devicebound") && role == LinkRole.CLIENT_SENDER) {
            return new ServiceDeviceBound(address);
        }
        if (s.size() == 3 && is(s, 0, "messages") && is(s, 1, "serviceBound") && is(s, 2, "feedback")) {
            return role == LinkRole.CLIENT_RECEIVER ? new ServiceFeedback(address) : new DeviceFeedback(address);
        }
        if (s.size() >= 3 && is(s, 0, "messages") && is(s, 1, "events")) {
            if (s.size() == 3 && is(s, 2, "$management")) {
                return new ServiceEventsManagement(address);
            }
            if (s.size() == 6 && is(s, 2, "ConsumerGroups") && is(s, 4, "Partitions") && role == LinkRole.CLIENT_RECEIVER) {
                return new ServiceEvents(address, s.get(3), s.get(5));
            }
        }
        if (s.size() >= 3 && is(s, 0, "devices")) {
            String device = PercentEncoding.decode(s.get(1));
            String module = null;
            List<String> rest = s.subList(2, s.size());
            if (rest.size() >= 2 && is(rest, 0, "modules")) {
                module = PercentEncoding.decode(rest.get(1));
                rest = rest.subList(2, rest.size());
            }
            if (rest.size() == 1 && is(rest, 0, "twin")) {
                return new Twin(address, device, module);
            }
            if (rest.size() == 2 && is(rest, 0, "messages")) {
                if (is(rest, 1, "events") && role == LinkRole.CLIENT_SENDER) {
                    return new DeviceTelemetry(address, device, module);
                }
                if (is(rest, 1, "devicebound") && role == LinkRole.CLIENT_RECEIVER) {
                    return new DeviceBound(address, device, module);
                }
            }
        }
        return new Unknown(address);
    }


    private static boolean is(List<String> s, int i, String literal) {
        return s.get(i).equalsIgnoreCase(literal);
    }

    /** Name of the CBS node without a leading slash. */
    final class CbsPath {
        public static final String NAME = "$cbs";

        private CbsPath() {
        }
    }
}
