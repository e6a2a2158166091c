package dev.hubsim.amqp.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class HubPathTest {
    @ParameterizedTest
    @ValueSource(strings = {"/devices/d1/messages/events", "devices/d1/messages/events", "/DEVICES/d1/Messages/EVENTS",
            "amqps://myhub.azure-devices.net/devices/d1/messages/events"})
    void telemetryPathsInEveryAcceptedSpelling(String address) {
        HubPath.DeviceTelemetry path = assertInstanceOf(HubPath.DeviceTelemetry.class, HubPath.parse(address, LinkRole.CLIENT_SENDER));
        assertEquals("d1", path.deviceId());
    }

    @Test
    void idsAreUrlDecodedButKeepTheirCase() {
        HubPath.DeviceBound path = assertInstanceOf(HubPath.DeviceBound.class,
                HubPath.parse("/devices/My%2FDevice/messages/deviceBound", LinkRole.CLIENT_RECEIVER));
        assertEquals("My/Device", path.deviceId());
    }

    @Test
    void theLinkRoleMatters() {
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/devices/d1/messages/events", LinkRole.CLIENT_RECEIVER));
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/devices/d1/messages/devicebound", LinkRole.CLIENT_SENDER));
        assertInstanceOf(HubPath.ServiceDeviceBound.class, HubPath.parse("/messages/devicebound", LinkRole.CLIENT_SENDER));
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/messages/devicebound", LinkRole.CLIENT_RECEIVER));
    }

    @Test
    void cbsAndUnknownAddresses() {
        assertInstanceOf(HubPath.Cbs.class, HubPath.parse("$cbs", LinkRole.CLIENT_SENDER));
        assertInstanceOf(HubPath.Cbs.class, HubPath.parse("/$cbs", LinkRole.CLIENT_RECEIVER));
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/devices/d1/messages/events/extra", LinkRole.CLIENT_SENDER));
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse(null, LinkRole.CLIENT_SENDER));
    }

    @Test
    void modulePathsKeepTheModule() {
        HubPath.DeviceTelemetry path = assertInstanceOf(HubPath.DeviceTelemetry.class,
                HubPath.parse("/devices/d1/modules/m1/messages/events", LinkRole.CLIENT_SENDER));
        assertEquals("m1", path.moduleId());
    }

    @Test
    void serviceEventPathsKeepTheConsumerGroupAndPartition() {
        HubPath.ServiceEvents path = assertInstanceOf(HubPath.ServiceEvents.class,
                HubPath.parse("amqps://h/messages/events/ConsumerGroups/$Default/Partitions/3", LinkRole.CLIENT_RECEIVER));
        assertEquals("$Default", path.consumerGroup());
        assertEquals("3", path.partitionId());
        assertEquals("ConsumerGroups/$Default/Partitions/3", path.eventHubSuffix());
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/messages/events/ConsumerGroups/$Default/Partitions/3", LinkRole.CLIENT_SENDER));
        assertInstanceOf(HubPath.Unknown.class, HubPath.parse("/messages/events/ConsumerGroups/$Default", LinkRole.CLIENT_RECEIVER));
        assertInstanceOf(HubPath.ServiceEventsManagement.class, HubPath.parse("/messages/events/$management", LinkRole.CLIENT_RECEIVER));
    }
}
