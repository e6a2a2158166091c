package dev.hubsim.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/** An IoT Hub connection string ({@code HostName=...;DeviceId=...;SharedAccessKey=...} or with SharedAccessKeyName). */
public record ConnectionString(String hostName, String deviceId, String keyName, String key) {
    public static ConnectionString parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        if (!fields.containsKey("HostName") || !fields.containsKey("SharedAccessKey")) {
            throw new IllegalArgumentException("not an IoT Hub connection string (needs HostName and SharedAccessKey): " + text);
        }
        return new ConnectionString(fields.get("HostName"), fields.get("DeviceId"), fields.get("SharedAccessKeyName"), fields.get("SharedAccessKey"));
    }

    /** The hub name as SASL user names carry it: the first label of the host name. */
    public String hubName() {
        int dot = hostName.indexOf('.');
        return dot < 0 ? hostName : hostName.substring(0, dot);
    }
}
