package dev.hubsim.conformance.target;

import dev.hubsim.probe.ConnectionString;
import dev.hubsim.probe.Endpoint;

import java.util.List;
import java.util.Optional;

/** The hub under test: where to connect and which identities to use. Nothing here reads a verdict. */
public interface HubTarget extends AutoCloseable {
    /** For reports: "embedded simulator" or the endpoint's host and port. */
    String describe();

    Endpoint endpoint();

    /**
     * The trust for TLS connections the hub points to (the Event Hub-compatible endpoint of a redirect), also when
     * {@link #endpoint()} itself is plain AMQP.
     */
    default javax.net.ssl.SSLContext trust() {
        return endpoint().tls();
    }

    /** The hub's name as SASL user names and feedback user-ids carry it. */
    default String hubName() {
        return service().hubName();
    }

    /** Devices the scenarios may use, in order: spec name "device1" is the first, "device2" the second. */
    List<ConnectionString> devices();

    /** A policy with ServiceConnect (e.g. {@code service} or {@code iothubowner}). */
    ConnectionString service();

    /** The MQTT-over-TLS port of the same host (8883, which the SDKs hard-code, unless the settings say otherwise). */
    /** The port of the hub's HTTPS service API (direct methods), on the service's host. */
    default int httpsPort() {
        return 443;
    }

    default int mqttsPort() {
        return 8883;
    }

    /** The control the simulator offers to arrange situations; empty for any other endpoint. */
    Optional<SimulatorControl> control();

    @Override
    default void close() {
    }
}
