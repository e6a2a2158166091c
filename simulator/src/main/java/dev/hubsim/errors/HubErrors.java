package dev.hubsim.errors;

/** Descriptions the hub sends whatever the face; one place for each string, so specs and tests quote the same text. */
public final class HubErrors {
    private HubErrors() {
    }

    public static String d2cTooLarge(long size, long max) {
        return "The device-to-cloud message is " + size + " bytes; the hub accepts at most " + max + ".";
    }

    public static String deviceDisabled(String deviceId) {
        return "Device '" + deviceId + "' is disabled.";
    }

    public static String unknownDevice(String deviceId) {
        return "Device '" + deviceId + "' is not registered with this hub.";
    }

    public static String unknownModule(String deviceId, String moduleId) {
        return "Module '" + moduleId + "' of device '" + deviceId + "' is not registered with this hub.";
    }

    /** IoT Hub sends cloud-to-device messages to devices only; modules get theirs from IoT Edge routes. */
    public static String noCloudToDeviceForModules(String deviceId, String moduleId) {
        return "Cloud-to-device messages go to devices, not modules: '" + deviceId + "/" + moduleId
                + "' is a module (IoT Hub has no cloud-to-device queue for modules).";
    }
}
