package sample;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;

/** A small device app: reports the temperature as telemetry and follows the setpoint the cloud sends it. */
public final class Thermostat implements AutoCloseable {
    private final DeviceClient client;
    private volatile double setpoint = 20.0;

    /** @param trust trust for the hub's TLS certificate (in production: the JVM's default) */
    public Thermostat(String connectionString, SSLContext trust) throws Exception {
        client = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS, ClientOptions.builder().sslContext(trust).build());
        client.setMessageCallback((message, context) -> {
            setpoint = Double.parseDouble(new String(message.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(true);
    }

    /** Sends one reading; returns once the hub has acknowledged it. */
    public void report(double celsius) throws Exception {
        Message message = new Message(Double.toString(celsius));
        message.setProperty("unit", "celsius");
        client.sendEvent(message);
    }

    public double setpoint() {
        return setpoint;
    }

    @Override
    public void close() {
        client.close();
    }
}
