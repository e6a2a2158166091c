package dev.hubsim.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceUriTest {
    @Test
    void rawEncodedAndSchemedFormsParseAlike() {
        ResourceUri expected = new ResourceUri("hub.example", List.of("devices", "d1"));
        assertEquals(expected, ResourceUri.parse("hub.example/devices/d1"));
        assertEquals(expected, ResourceUri.parse("HUB.example%2Fdevices%2Fd1"));
        assertEquals(expected, ResourceUri.parse("amqps://hub.example:5671/devices/d1/"));
    }

    @Test
    void scopeIsCheckedBySegmentNotByCharacter() {
        ResourceUri scope = ResourceUri.parse("h/a/b");
        assertTrue(scope.covers(ResourceUri.parse("h/a/b/c")));
        assertTrue(scope.covers(ResourceUri.parse("h/a/b")));
        assertFalse(scope.covers(ResourceUri.parse("h/a/bc")), "/a/b is not a prefix of /a/bc (reference/iothub-amqp.md §1.3)");
        assertTrue(ResourceUri.parse("h").covers(ResourceUri.parse("h/devices/d1")), "the hub scope covers every path");
    }

    @Test
    void deviceAndModuleIdsAreRead() {
        ResourceUri module = ResourceUri.parse("h/devices/d%2B1/modules/m1");
        assertEquals("d+1", module.deviceId());
        assertEquals("m1", module.moduleId());
        assertNull(ResourceUri.parse("h/messages/events").deviceId());
    }
}
