package dev.hubsim.mqtt;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PropertyBagTest {
    @Test
    void keysAreDecodedBeforeTheyAreMatchedAndNullEmptyAndValueDiffer() {
        Map<String, String> bag = PropertyBag.decode("%24.mid=1&$.cid=2&prop1&prop2=&prop3=a%20string&k%26=v%3D");
        assertEquals("1", bag.get("$.mid"));
        assertEquals("2", bag.get("$.cid"));
        assertNull(bag.get("prop1"));
        assertEquals(true, bag.containsKey("prop1"));
        assertEquals("", bag.get("prop2"));
        assertEquals("a string", bag.get("prop3"));
        assertEquals("v=", bag.get("k&"));
    }

    @Test
    void theHubEncodesSlashesAndSpacesSoNodeAndJavaReadThem() {
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("$.to", "/devices/d 1/messages/devicebound");
        bag.put("a&b", "x=y");
        assertEquals("%24.to=%2Fdevices%2Fd%201%2Fmessages%2Fdevicebound&a%26b=x%3Dy", PropertyBag.encode(bag));
        assertEquals(bag, PropertyBag.decode(PropertyBag.encode(bag)));
    }

    @Test
    void aPropertyWithoutAName() {
        assertThrows(IllegalArgumentException.class, () -> PropertyBag.decode("=v"));
    }

    @Test
    void clientIdAndUserNameMustAgree() throws Exception {
        ClientIdentity device = ClientIdentity.parse("d1", "hub.example/d1/?api-version=2021-04-12&DeviceClientType=x");
        assertEquals("hub.example/devices/d1", device.audience());
        ClientIdentity module = ClientIdentity.parse("d1/m1", "hub.example/d1/m1/?DeviceClientType=x&api-version=2020-09-30");
        assertEquals("m1", module.moduleId());
        assertEquals("hub.example/devices/d1/modules/m1", module.audience());
        assertThrows(ClientIdentity.Refused.class, () -> ClientIdentity.parse("d1", "hub.example/d2/?api-version=1"));
        assertThrows(ClientIdentity.Refused.class, () -> ClientIdentity.parse("d1", "hub.example/d1/"));
        assertThrows(ClientIdentity.Refused.class, () -> ClientIdentity.parse("d1/m1/x", "hub.example/d1/m1/x/?api-version=1"));
        assertThrows(ClientIdentity.Refused.class, () -> ClientIdentity.parse("", "hub.example//?api-version=1"));
        assertThrows(ClientIdentity.Refused.class, () -> ClientIdentity.parse("d1", null));
    }
}
