package dev.hubsim;

import dev.hubsim.amqp.HubBroker;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.Faults;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.HttpsFace;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.limits.LimitsView;
import dev.hubsim.registry.Hub;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.throttling.Tier;
import dev.hubsim.tls.TlsMaterial;
import dev.hubsim.trace.TraceView;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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

    /** What the composition root hands the facade. */
    record Parts(Hub hub, TlsMaterial tls, HubBroker broker, HubBroker.OtherProtocol mqtt, HubContext context, HubFaults faults, HttpsFace https,
                 int httpsPort, Clock clock, String bindHost, Duration startupTime) {
    }

    private final Parts parts;
    private final Hub hub;
    private final HubContext context;
    private final EventHubEndpoint eventHub;
    private final EventHubView eventHubView;
    private final CloudToDeviceView cloudToDeviceView;
    private final int amqpsPort;
    private final int amqpPort;
    private final int mqttsPort;
    private final int mqttPort;

    HubSimulator(Parts parts) {
        this.parts = parts;
        this.hub = parts.hub();
        this.context = parts.context();
        this.eventHub = context.eventHub();
        this.eventHubView = new EventHubView(eventHub);
        this.cloudToDeviceView = new CloudToDeviceView(context.c2d());
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

    /** The built-in Event Hub-compatible endpoint: its settings, partitions and readers. */
    public EventHubView eventHub() {
        return eventHubView;
    }

    /** Cloud-to-device messaging: queue depths, purge, sending as a service, feedback waiting. */
    public CloudToDeviceView cloudToDevice() {
        return cloudToDeviceView;
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
     * feedback), stored telemetry, the traces of closed connections and every twin's tags and properties forgotten,
     * throttle counters, today's quota use and the throttles' buckets back to zero. Devices, keys, live connections and their twin subscriptions stay.
     */
    public void reset() {
        parts.faults().clear();
        context.twins().reset();
        context.throttling().reset();
        context.c2d().reset();
        eventHub.store().clear();
        context.traces().clear();
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
        parts.https().close();
        parts.broker().close();
        context.c2d().close();
        context.scheduler().shutdownNow();
    }

    @Override
    public String toString() {
        return "HubSimulator[" + hub.name() + " amqps=" + amqpsPort() + " amqp=" + amqpPort() + " mqtts=" + mqttsPort() + "]";
    }

    /**
     * Settings of a simulator to start. Each has one name and one unit across the builder, the CLI and the config file
     * (README, "Settings"): durations are {@link Duration}s here and seconds on the CLI and in config files, sizes bytes.
     */
    public static final class Builder {
        HubConfig config;
        Path configFile;
        Path dataDir;
        String bindHost = "127.0.0.1";
        int amqpsPort = SDK_AMQPS_PORT;
        int amqpPort = DEFAULT_AMQP_PORT;
        int httpsPort = SDK_HTTPS_PORT;
        int mqttsPort = SDK_MQTTS_PORT;
        int mqttPort = -1;
        Path stubs;
        Path keyStore;
        String keyStorePassword;
        boolean persistent;
        Duration clockSkew = Duration.ofMinutes(5);
        Clock clock = Clock.systemUTC();
        Long retainedEvents;
        C2dSettings c2dSettings;
        LimitProfile limitProfile;
        ThrottleSettings throttling;
        Duration maxTokenLifetime;
        Integer maxFrameSize;
        final Set<Deviation> deviations = EnumSet.noneOf(Deviation.class);
        boolean traceFrames = true;
        int traceRecordsPerConnection = 10_000;
        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        Duration openTimeout = DEFAULT_OPEN_TIMEOUT;
        /** Runs between the free-port check and the bind: a test takes a port there (PortRaceTest). */
        Runnable afterPortCheck = () -> { };

        private Builder() {
        }

        /** The hub to play; without one (and without a config file), the default hub with a few devices. */
        public Builder hub(HubConfig hubConfig) {
            this.config = hubConfig;
            return this;
        }

        /** A hub definition file, JSON or YAML (CLI {@code --config}). */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** Where generated keys, TLS material and (with persistence) the journals live (CLI {@code --data-dir}). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** The address to listen on (CLI {@code --bind-host}); 127.0.0.1 by default. */
        public Builder bindHost(String host) {
            this.bindHost = host;
            return this;
        }

        /** 0 picks a free port; the Azure IoT SDKs can only reach 5671. */
        public Builder amqpsPort(int port) {
            this.amqpsPort = port;
            return this;
        }

        public Builder amqpPort(int port) {
            this.amqpPort = port;
            return this;
        }

        /** The HTTPS and WebSocket port; 443 by default, which the SDKs need and which may need privileges; 0 picks one. */
        public Builder httpsPort(int port) {
            this.httpsPort = port;
            return this;
        }

        /** MQTT over TLS; 8883 by default, which the Azure IoT SDKs need; 0 picks a free port. */
        public Builder mqttsPort(int port) {
            this.mqttsPort = port;
            return this;
        }

        /** Plain MQTT, for debugging: -1 (the default) turns it off, 0 picks a free port. IoT Hub has no plain MQTT. */
        public Builder mqttPort(int port) {
            this.mqttPort = port;
            return this;
        }

        /** A WireMock directory ({@code mappings/}, {@code __files/}) with stubs of your own for the HTTPS face. */
        public Builder stubs(Path dir) {
            this.stubs = dir;
            return this;
        }

        /** Serve with this PKCS12 key store instead of the generated local CA. */
        public Builder keyStore(Path file, String password) {
            this.keyStore = file;
            this.keyStorePassword = password;
            return this;
        }

        public Builder persistent(boolean on) {
            this.persistent = on;
            return this;
        }

        /** How long past {@code se} a token still counts (Edge Hub allows 5 minutes; CLI {@code --clock-skew} seconds). */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** At most this many events per partition (the hub definition's {@code eventHub.retainedEvents}, which this overrides). */
        public Builder retainedEvents(long events) {
            this.retainedEvents = events;
            return this;
        }

        /** @deprecated the same setting as {@link #retainedEvents(long)}, under its old name. */
        @Deprecated
        public Builder telemetryRetained(long messages) {
            return retainedEvents(messages);
        }

        /** Cloud-to-device limits and timings; else the config file's, else the hub's own. */
        public Builder cloudToDevice(C2dSettings settings) {
            this.c2dSettings = settings;
            return this;
        }

        /** The limits and credit policies; else the config file's, else the {@code iothub} profile. */
        public Builder limits(LimitProfile profile) {
            this.limitProfile = profile;
            return this;
        }

        /**
         * The IoT Hub tier to play (CLI {@code --tier} and {@code --units}, config {@code tier:} and {@code units:}): its
         * documented throttles and daily quota (README, "Throttling"); null: no throttling, the default.
         */
        public Builder tier(Tier tier, int units) {
            ThrottleSettings base = throttling != null ? throttling : ThrottleSettings.OFF;
            this.throttling = new ThrottleSettings(tier, units, base.burstSeconds(), base.backlogSeconds(), base.maxWait());
            return this;
        }

        /** The tier with how its throttles queue (burst, backlog, longest wait); overrides the config file's. */
        public Builder throttling(ThrottleSettings settings) {
            this.throttling = settings;
            return this;
        }

        /** Claims last at most this long after they are granted, whatever the token says (e.g. 30 s to watch renewals). */
        public Builder maxTokenLifetime(Duration lifetime) {
            this.maxTokenLifetime = lifetime;
            return this;
        }

        /**
         * The AMQP max frame size the hub's Open advertises, in bytes (CLI {@code --max-frame-size}, config
         * {@code maxFrameSize}); {@link #DEFAULT_MAX_FRAME_SIZE} by default. Proton holds an input and an output buffer of
         * this size per connection, so it sets the broker memory a device costs (README, "CLI options").
         */
        public Builder maxFrameSize(int bytes) {
            if (bytes < 512) {
                throw new IllegalArgumentException("maxFrameSize must be at least 512 bytes (AMQP's minimum), not " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        /** Whether every frame is traced (CBS exchanges, faults and violations are either way), and how many per connection. */
        public Builder tracing(boolean frames, int recordsPerConnection) {
            this.traceFrames = frames;
            this.traceRecordsPerConnection = recordsPerConnection;
            return this;
        }

        /**
         * The AMQP idle timeout (Edge Hub's 240 s by default): a connection that sends nothing, not even an empty
         * frame, for this long is closed with {@code amqp:resource-limit-exceeded}; the Open advertises half of it, so
         * clients know how often to send heartbeats.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** How long a new socket may take to send its protocol header and its AMQP Open before it is closed (10 s). */
        public Builder openTimeout(Duration timeout) {
            this.openTimeout = timeout;
            return this;
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
