package dev.hubsim;

import dev.hubsim.amqp.HubBroker;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.Faults;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.limits.LimitsView;
import dev.hubsim.registry.Hub;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.tls.TlsMaterial;
import dev.hubsim.trace.TraceView;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A running IoT Hub stand-in: the hub core with its AMQP face (an embedded Artemis broker, AMQPS and plain AMQP ports)
 * and its HTTPS face. Start one with {@link #builder()}; close it to stop. What it hands out is read-only views and
 * value types, plus fault injection and {@link #reset()}.
 */
public final class HubSimulator implements AutoCloseable {
    /** The AMQPS port the Azure IoT SDKs hard-code (real-clients.md §2.3). */
    public static final int SDK_AMQPS_PORT = 5671;
    /** The HTTPS and AMQP-over-WebSockets port the Azure IoT SDKs hard-code (real-clients.md §2.5, §3.2). */
    public static final int SDK_HTTPS_PORT = 443;
    public static final int DEFAULT_AMQP_PORT = 5672;
    /** The MQTT-over-TLS port the Azure IoT SDKs hard-code (reference iothub-twin-methods-mqtt.md §4.1). */
    public static final int SDK_MQTTS_PORT = 8883;
    /** Edge Hub's DefaultAmqpConnectionIdleTimeoutInMilliSeconds (reference/iothub-amqp.md §2.5). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(4);
    /** Artemis' own handshake timeout. */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The AMQP max frame size the hub advertises unless told otherwise: 16 KiB. Large enough for every performative the
     * SDKs send (transfers of any size are split into frames), small enough that 10,000 devices fit in 1 GiB (README).
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024;

    private final RunningParts parts;
    private final Hub hub;
    private final HubContext context;
    private final EventHubEndpoint eventHub;
    private final EventHubView eventHubView;
    private final CloudToDeviceView cloudToDeviceView;
    private final MethodsView methodsView;
    private final int amqpsPort;
    private final int amqpPort;
    private final int mqttsPort;
    private final int mqttPort;

    HubSimulator(RunningParts parts) {
        this.parts = parts;
        this.hub = parts.hub();
        this.context = parts.context();
        this.eventHub = context.eventHub();
        this.eventHubView = new EventHubView(eventHub);
        this.cloudToDeviceView = new CloudToDeviceView(context.c2d());
        this.methodsView = new MethodsView(context.methods());
        this.amqpsPort = parts.broker().port(HubBroker.AMQPS_ACCEPTOR);
        this.amqpPort = parts.broker().port(HubBroker.AMQP_ACCEPTOR);
        this.mqttsPort = parts.broker().port(parts.mqtt().tlsAcceptor());
        this.mqttPort = parts.mqtt().plainPort() < 0 ? -1 : parts.broker().port(parts.mqtt().plainAcceptor());
        eventHub.listening(parts.bindHost(), amqpsPort, amqpPort);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The hub's name, host names and registry (devices and shared access policies). */
    public Hub hub() {
        return hub;
    }

    /** The AMQPS port, also when it was chosen because 0 was asked for. */
    public int amqpsPort() {
        return amqpsPort;
    }

    public int amqpPort() {
        return amqpPort;
    }

    /** The MQTT-over-TLS port, also when it was chosen because 0 was asked for; the Azure IoT SDKs can only reach 8883. */
    public int mqttsPort() {
        return mqttsPort;
    }

    /** The plain MQTT port, or -1 when it is off (the default). */
    public int mqttPort() {
        return mqttPort;
    }

    /** The TLS port of the registry, the control API and AMQP and MQTT over WebSockets ({@code wss://host:port/$iothub/websocket}). */
    public int httpsPort() {
        return parts.httpsPort();
    }

    public String bindHost() {
        return parts.bindHost();
    }

    public TlsMaterial tls() {
        return parts.tls();
    }

    public Duration startupTime() {
        return parts.startupTime();
    }

    /** The clock the hub runs on: token expiry, enqueued times, C2D expiry. */
    public Clock clock() {
        return parts.clock();
    }

    /** {@code HostName=...;DeviceId=...;SharedAccessKey=...}, as the Azure IoT device SDK takes it. */
    public String deviceConnectionString(String deviceId) {
        return credentials().deviceConnectionString(deviceId);
    }

    /** {@code HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=...}, as the device SDK's {@code ModuleClient} takes it. */
    public String moduleConnectionString(String deviceId, String moduleId) {
        return credentials().moduleConnectionString(deviceId, moduleId);
    }

    /** A SAS token for a module ({@code sr} = {@code {host}/devices/{id}/modules/{mid}}), signed with its primary key. */
    public String moduleToken(String deviceId, String moduleId, Duration validFor) {
        return credentials().moduleToken(deviceId, moduleId, validFor);
    }

    /** {@code HostName=...;SharedAccessKeyName=...;SharedAccessKey=...}, as the Azure IoT service SDK takes it. */
    public String policyConnectionString(String policyName) {
        return credentials().policyConnectionString(policyName);
    }

    /** A SAS token for a device, signed with its primary key, for clients that build their own CBS or PLAIN step. */
    public String deviceToken(String deviceId, Duration validFor) {
        return credentials().deviceToken(deviceId, validFor);
    }

    /** A hub-scoped SAS token for a shared access policy. */
    public String policyToken(String policyName, Duration validFor) {
        return credentials().policyToken(policyName, validFor);
    }

    private Credentials credentials() {
        return new Credentials(hub, clock());
    }

    /**
     * Telemetry the hub stored (and retains), oldest first, with the annotations it stamped, including the Event Hub
     * position ({@code x-opt-sequence-number}, {@code x-opt-offset}, {@code x-opt-enqueued-time}); all devices when
     * {@code deviceId} is null.
     */
    public List<RecordedTelemetry> telemetry(String deviceId) {
        return eventHub.store().events(deviceId).stream().map(RecordedTelemetry::of).toList();
    }

    /** How many telemetry events the hub retains now, all partitions. */
    public long telemetryCount() {
        return eventHub.store().count();
    }

    /** Direct methods: invoke one on a connected device or module, and the calls the hub has seen. */
    public MethodsView methods() {
        return methodsView;
    }

    /** The built-in Event Hub-compatible endpoint: its settings, partitions and readers. */
    public EventHubView eventHub() {
        return eventHubView;
    }

    /** Cloud-to-device messaging: queue depths, purge, sending as a service, feedback waiting. */
    public CloudToDeviceView cloudToDevice() {
        return cloudToDeviceView;
    }

    /** Device and module twins: read them, change desired properties and tags as the back end would. */
    public TwinsView twins() {
        return new TwinsView(context.twins());
    }

    /** Fault injection on this running simulator. */
    public Faults faults() {
        return parts.faults();
    }

    HubFaults hubFaults() {
        return parts.faults();
    }

    /** What was seen on every connection, frame by frame. */
    public TraceView traces() {
        return context.traces();
    }

    /** The limits in force, and how often a limit in warn mode was exceeded. */
    public LimitsView limits() {
        return context.limits();
    }

    /**
     * The tier the hub plays, its rates and daily quota, and how many operations it throttled per device and kind
     * (injecting throttling: {@link Faults#throttleNext}, {@link Faults#exhaustDailyQuota}).
     */
    public ThrottlingView throttling() {
        return context.throttling();
    }

    /** The live connections with their identities, claims, links and credit. */
    public List<ConnectionInfo> connections() {
        return context.connections().describe();
    }

    public int connectionCount() {
        return context.connections().count();
    }

    /**
     * A clean slate between tests: faults cleared, every cloud-to-device queue and the feedback emptied (without
     * feedback), stored telemetry, the traces of closed connections and every twin's tags and properties and the recorded direct-method calls forgotten,
     * throttle counters, today's quota use and the throttles' buckets back to zero. Devices, keys, live connections and their twin subscriptions stay.
     */
    public void reset() {
        parts.reset();
    }

    /** Ports, trust material and connection strings, as printed and written to the info file. */
    public SimulatorInfo info() {
        return SimulatorInfo.of(this, eventHub);
    }

    /**
     * The browser console on the HTTPS port ({@code https://host:port/hubsim/ui/}); log in with the {@code iothubowner}
     * connection string or a token of it. A wildcard bind host is given as 127.0.0.1.
     */
    public String consoleUrl() {
        String host = bindHost().equals("0.0.0.0") || bindHost().equals("::") ? "127.0.0.1" : bindHost();
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + httpsPort() + "/hubsim/ui/";
    }

    /** Internal broker access for contract tests of the Artemis hooks; not for users. */
    HubBroker broker() {
        return parts.broker();
    }

    @Override
    public void close() {
        parts.close();
    }

    @Override
    public String toString() {
        return "HubSimulator[" + hub.name() + " amqps=" + amqpsPort() + " amqp=" + amqpPort() + " mqtts=" + mqttsPort() + "]";
    }

    /**
     * Settings of a simulator to start. Each has one name and one unit across the builder, the CLI and the config file
     * (README, "Settings"): durations are {@link Duration}s here and seconds on the CLI and in config files, sizes bytes.
     * The setters live in the package-private {@code StartSettings} this class extends.
     */
    public static final class Builder extends StartSettings {
        private Builder() {
        }

        /** Departs on purpose from one documented statement per deviation: a kit self-test hook, see {@link TestHooks}. */
        Builder deviate(Deviation... chosen) {
            deviations.addAll(List.of(chosen));
            return this;
        }

        public HubSimulator start() {
            return Assembly.start(this);
        }
    }
}
