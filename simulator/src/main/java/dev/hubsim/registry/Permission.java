package dev.hubsim.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The hub's shared-access permissions, spelled as the Azure documents spell them. */
public enum Permission {
    REGISTRY_READ("RegistryRead"),
    REGISTRY_WRITE("RegistryWrite"),
    SERVICE_CONNECT("ServiceConnect"),
    DEVICE_CONNECT("DeviceConnect");

    private final String documentedName;

    Permission(String documentedName) {
        this.documentedName = documentedName;
    }

    @JsonValue
    public String documentedName() {
        return documentedName;
    }

    @JsonCreator
    public static Permission fromDocumentedName(String name) {
        for (Permission p : values()) {
            if (p.documentedName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown permission '" + name
                + "' (expected one of RegistryRead, RegistryWrite, ServiceConnect, DeviceConnect)");
    }
}
