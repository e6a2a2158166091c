package dev.hubsim.conformance.target;

import dev.hubsim.probe.ConnectionString;
import dev.hubsim.probe.Endpoint;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Any hub given by settings (system property, else environment variable):
 * {@code hubsim.specs.deviceConnectionStrings} / {@code HUBSIM_SPECS_DEVICE_CONNECTION_STRINGS} (comma-separated, two
 * devices), {@code hubsim.specs.serviceConnectionString} / {@code HUBSIM_SPECS_SERVICE_CONNECTION_STRING}, and
 * optionally {@code host}, {@code port} (default 5671), {@code trustStore} + {@code trustStorePassword} (PKCS12; default:
 * the JVM's trust), {@code hubName} (default: the first label of the service's host name; needed when it is an IP address).
 */
public final class EndpointTarget implements HubTarget {
    private final Endpoint endpoint;
    private final List<ConnectionString> devices;
    private final ConnectionString service;

    private final String hubName;
    private final int mqttsPort;
    private int httpsPort = 443;

    private EndpointTarget(Endpoint endpoint, List<ConnectionString> devices, ConnectionString service, String hubName, int mqttsPort) {
        this.mqttsPort = mqttsPort;
        this.hubName = hubName;
        this.endpoint = endpoint;
        this.devices = devices;
        this.service = service;
    }

    public static String setting(String name) {
        String value = System.getProperty("hubsim.specs." + name);
        if (value == null || value.isBlank()) {
            value = System.getenv("HUBSIM_SPECS_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
        }
        return value == null || value.isBlank() ? null : value;
    }

    /** The endpoint the settings name, or empty when they name none (then the embedded simulator is the target). */
    public static Optional<HubTarget> fromSettings() throws Exception {
        return fromSettings(EndpointTarget::setting);
    }

    /** The same from any source of settings, named as above without the {@code hubsim.specs.} prefix. */
    public static Optional<HubTarget> fromSettings(java.util.function.Function<String, String> setting) throws Exception {
        String deviceStrings = setting.apply("deviceConnectionStrings");
        if (deviceStrings == null) {
            return Optional.empty();
        }
        List<ConnectionString> devices = Arrays.stream(deviceStrings.split(",")).map(String::trim).map(ConnectionString::parse).toList();
        String serviceString = setting.apply("serviceConnectionString");
        if (serviceString == null) {
            throw new IllegalArgumentException("hubsim.specs.serviceConnectionString is required with deviceConnectionStrings");
        }
        ConnectionString service = ConnectionString.parse(serviceString);
        String host = setting.apply("host") != null ? setting.apply("host") : service.hostName();
        int port = setting.apply("port") != null ? Integer.parseInt(setting.apply("port")) : 5671;
        SSLContext tls = setting.apply("trustStore") != null ? trust(Path.of(setting.apply("trustStore")), setting.apply("trustStorePassword")) : SSLContext.getDefault();
        int mqttsPort = setting.apply("mqttsPort") != null ? Integer.parseInt(setting.apply("mqttsPort")) : 8883;
        EndpointTarget target = new EndpointTarget(new Endpoint(host, port, tls, service.hostName()), devices, service, setting.apply("hubName"), mqttsPort);
        target.httpsPort = setting.apply("httpsPort") != null ? Integer.parseInt(setting.apply("httpsPort")) : 443;
        return Optional.of(target);
    }

    /** An SSLContext trusting the certificates of a PKCS12 trust store, with plain JDK calls. */
    public static SSLContext trust(Path trustStore, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A target built from parts (the embedded bootstrap uses it with the simulator's printed connection strings). */
    public static HubTarget of(String description, String hubName, Endpoint endpoint, List<ConnectionString> devices, ConnectionString service,
                               SimulatorControl control, AutoCloseable onClose) {
        return of(description, hubName, endpoint, endpoint.tls(), devices, service, control, onClose);
    }

    /** The same with the trust for endpoints a redirect names, when {@code endpoint} is plain AMQP. */
    public static HubTarget of(String description, String hubName, Endpoint endpoint, SSLContext trust, List<ConnectionString> devices,
                               ConnectionString service, SimulatorControl control, AutoCloseable onClose) {
        return of(description, hubName, endpoint, trust, devices, service, control, onClose, 8883);
    }

    /** The same with the MQTT-over-TLS port. */
    public static HubTarget of(String description, String hubName, Endpoint endpoint, SSLContext trust, List<ConnectionString> devices,
                               ConnectionString service, SimulatorControl control, AutoCloseable onClose, int mqttsPort) {
        return of(description, hubName, endpoint, trust, devices, service, control, onClose, mqttsPort, 443);
    }

    /** The same with the HTTPS port of the service API. */
    public static HubTarget of(String description, String hubName, Endpoint endpoint, SSLContext trust, List<ConnectionString> devices,
                               ConnectionString service, SimulatorControl control, AutoCloseable onClose, int mqttsPort, int httpsPort) {
        return new HubTarget() {
            public int mqttsPort() { return mqttsPort; }
            public int httpsPort() { return httpsPort; }
            public SSLContext trust() { return trust; }
            public String describe() { return description; }
            public String hubName() { return hubName; }
            public Endpoint endpoint() { return endpoint; }
            public List<ConnectionString> devices() { return devices; }
            public ConnectionString service() { return service; }
            public Optional<SimulatorControl> control() { return Optional.ofNullable(control); }
            public void close() {
                try {
                    onClose.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    @Override
    public String describe() {
        return "endpoint " + endpoint.host() + ":" + endpoint.port();
    }

    /** The {@code hubName} setting, else the first label of the service's host name. */
    @Override
    public String hubName() {
        return hubName != null ? hubName : service.hubName();
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public int mqttsPort() {
        return mqttsPort;
    }

    @Override
    public int httpsPort() {
        return httpsPort;
    }

    @Override
    public List<ConnectionString> devices() {
        return devices;
    }

    @Override
    public ConnectionString service() {
        return service;
    }

    @Override
    public Optional<SimulatorControl> control() {
        return Optional.empty();
    }
}
