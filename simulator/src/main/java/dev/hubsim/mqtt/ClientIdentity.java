package dev.hubsim.mqtt;

/**
 * Who a CONNECT says it is (reference iothub-twin-methods-mqtt.md §4.2): client id {@code {device}} or
 * {@code {device}/{module}}, user name {@code {host}/{client id}/?api-version=...} with the query's parameters in any
 * order. The user name's client id must be the CONNECT's.
 */
record ClientIdentity(String deviceId, String moduleId, String host) {

    /** Thrown with the reason, for the log line that goes with CONNACK 5. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    static ClientIdentity parse(String clientId, String userName) throws Refused {
        if (clientId == null || clientId.isEmpty()) {
            throw new Refused("the client id is empty; IoT Hub needs the device id (or {deviceId}/{moduleId})");
        }
        String[] parts = clientId.split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || parts.length == 2 && parts[1].isEmpty()) {
            throw new Refused("client id '" + clientId + "' is neither {deviceId} nor {deviceId}/{moduleId}");
        }
        if (userName == null) {
            throw new Refused("no user name; IoT Hub needs '{host}/" + clientId + "/?api-version=...'");
        }
        int slash = userName.indexOf('/');
        int query = userName.indexOf("/?");
        if (slash <= 0 || query < slash) {
            throw new Refused("user name '" + userName + "' is not '{host}/" + clientId + "/?api-version=...'");
        }
        String named = userName.substring(slash + 1, query);
        if (!named.equals(clientId)) {
            throw new Refused("user name '" + userName + "' names '" + named + "' but the client id is '" + clientId + "'");
        }
        if (!userName.substring(query + 2).contains("api-version=")) {
            throw new Refused("user name '" + userName + "' has no api-version");
        }
        return new ClientIdentity(parts[0], parts.length == 2 ? parts[1] : null, userName.substring(0, slash));
    }

    /** The audience a device token must cover: {@code {host}/devices/{id}[/modules/{m}]}. */
    String audience() {
        return host + "/devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId);
    }

    String clientId() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }
}
