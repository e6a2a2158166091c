package dev.hubsim;

import dev.hubsim.amqp.HubBroker;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.c2d.C2dStore;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.codec.FeedbackMessages;
import dev.hubsim.config.HubConfig;
import dev.hubsim.config.HubConfigLoader;
import dev.hubsim.config.HubFactory;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.connections.Connections;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.eventhub.EventHubSettings;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.faults.Faults;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.ControlApi;
import dev.hubsim.https.ControlTarget;
import dev.hubsim.https.HttpFace;
import dev.hubsim.https.HttpsFront;
import dev.hubsim.https.RegistryApi;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.limits.Limits;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Permission;
import dev.hubsim.registry.RegistryJournal;
import dev.hubsim.registry.SharedAccessPolicy;
import dev.hubsim.store.JournalC2dStore;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.tls.TlsMaterial;
import dev.hubsim.trace.Traces;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A running IoT Hub stand-in: an embedded Artemis broker with the hub's AMQP face on an AMQPS and a plain AMQP port.
 * Start one with {@link #builder()}; close it to stop.
 */
public final class HubSimulator implements AutoCloseable {
    /** The AMQPS port the Azure IoT SDKs hard-code (real-clients.md §2.3). */
    public static final int SDK_AMQPS_PORT = 5671;
    /** The HTTPS and AMQP-over-WebSockets port the Azure IoT SDKs hard-code (real-clients.md §2.5, §3.2). */
    public static final int SDK_HTTPS_PORT = 443;
    public static final int DEFAULT_AMQP_PORT = 5672;
    /** Edge Hub's DefaultAmqpConnectionIdleTimeoutInMilliSeconds (reference/iothub-amqp.md §2.5). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(4);
    /** Artemis' own handshake timeout. */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Hub hub;
    private final TlsMaterial tls;
    private final HubBroker broker;
    private final CloudToDevice c2d;
    private final HubContext context;
    private final EventHubEndpoint eventHub;
    private final HubFaults faults;
    private final HttpFace http;
    private final HttpsFront front;
    private final int httpsPort;
    private final Clock clock;
    private final String bindHost;
    private final Duration startupTime;
    private final int amqpsPort;
    private final int amqpPort;

    private HubSimulator(Hub hub, TlsMaterial tls, HubBroker broker, HubContext context, HubFaults faults, HttpFace http, HttpsFront front,
                         int httpsPort, Clock clock, String bindHost, Duration startupTime) {
        this.http = http;
        this.front = front;
        this.httpsPort = httpsPort;
        this.hub = hub;
        this.context = context;
        this.eventHub = context.eventHub();
        this.c2d = context.c2d();
        this.faults = faults;
        this.tls = tls;
        this.broker = broker;
        this.clock = clock;
        this.bindHost = bindHost;
        this.startupTime = startupTime;
        this.amqpsPort = broker.port(HubBroker.AMQPS_ACCEPTOR);
        this.amqpPort = broker.port(HubBroker.AMQP_ACCEPTOR);
        eventHub.listening(bindHost, amqpsPort, amqpPort);
    }

    public static Builder builder() {
        return new Builder();
    }

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

    /** The TLS port of the registry, the control API and AMQP over WebSockets ({@code wss://host:port/$iothub/websocket}). */
    public int httpsPort() {
        return httpsPort;
    }

    public String bindHost() {
        return bindHost;
    }

    public TlsMaterial tls() {
        return tls;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /** {@code HostName=...;DeviceId=...;SharedAccessKey=...}, as the Azure IoT device SDK takes it. */
    public String deviceConnectionString(String deviceId) {
        Device device = hub.registry().device(deviceId).orElseThrow(() -> new NoSuchElementException("no device '" + deviceId + "'"));
        return "HostName=" + hub.primaryHostName() + ";DeviceId=" + device.deviceId() + ";SharedAccessKey=" + device.primaryKey();
    }

    /** {@code HostName=...;SharedAccessKeyName=...;SharedAccessKey=...}, as the Azure IoT service SDK takes it. */
    public String policyConnectionString(String policyName) {
        SharedAccessPolicy policy = hub.registry().policy(policyName).orElseThrow(() -> new NoSuchElementException("no policy '" + policyName + "'"));
        return "HostName=" + hub.primaryHostName() + ";SharedAccessKeyName=" + policy.name() + ";SharedAccessKey=" + policy.primaryKey();
    }

    /** A SAS token for a device, signed with its primary key, for clients that build their own CBS or PLAIN step. */
    public String deviceToken(String deviceId, Duration validFor) {
        Device device = hub.registry().device(deviceId).orElseThrow(() -> new NoSuchElementException("no device '" + deviceId + "'"));
        return SasTokens.create(hub.primaryHostName() + "/devices/" + deviceId, device.primaryKey(), clock.instant().plus(validFor), null);
    }

    /** A hub-scoped SAS token for a shared access policy. */
    public String policyToken(String policyName, Duration validFor) {
        SharedAccessPolicy policy = hub.registry().policy(policyName).orElseThrow(() -> new NoSuchElementException("no policy '" + policyName + "'"));
        return SasTokens.create(hub.primaryHostName(), policy.primaryKey(), clock.instant().plus(validFor), policy.name());
    }

    /**
     * Telemetry the hub stored (and retains), oldest first, with the annotations it stamped, including the Event Hub
     * position ({@code x-opt-sequence-number}, {@code x-opt-offset}, {@code x-opt-enqueued-time}); all devices when
     * {@code deviceId} is null.
     */
    public List<RecordedTelemetry> telemetry(String deviceId) {
        return eventHub.store().events(deviceId).stream().map(RecordedTelemetry::of).toList();
    }

    /** The built-in Event Hub-compatible endpoint: its settings, partitions and connection strings. */
    public EventHubEndpoint eventHub() {
        return eventHub;
    }

    /** The policy whose key the printed Event Hub connection string uses: {@code service}, else any with ServiceConnect. */
    private SharedAccessPolicy eventHubPolicy() {
        return hub.registry().policy("service").filter(p -> p.allows(Permission.SERVICE_CONNECT))
                .or(() -> hub.registry().policies().stream().filter(p -> p.allows(Permission.SERVICE_CONNECT)).findFirst())
                .orElse(null);
    }

    /** Cloud-to-device messaging: queue depths, purge, feedback waiting. */
    public CloudToDevice cloudToDevice() {
        return c2d;
    }

    /** Fault injection on this running simulator. */
    public Faults faults() {
        return faults;
    }

    /** What was seen on every connection, frame by frame. */
    public Traces traces() {
        return context.traces();
    }

    /** The limits in force, and how often a limit in warn mode was exceeded. */
    public Limits limits() {
        return context.limits();
    }

    /** The live connections with their identities, links and credit. */
    public List<ConnectionInfo> connections() {
        return context.connections().describe();
    }

    /**
     * A clean slate between tests: faults cleared, every cloud-to-device queue and the feedback emptied (without
     * feedback), stored telemetry and the traces of closed connections forgotten. Devices, keys and live connections stay.
     */
    public void reset() {
        faults.clear();
        c2d.reset();
        eventHub.store().clear();
        context.traces().clear();
    }

    /** The control API's view: the same simulator, through what it may see and do. */
    private ControlTarget controlTarget() {
        return new ControlTarget() {
            @Override
            public Map<String, Integer> ports() {
                return info().ports();
            }

            @Override
            public List<ConnectionInfo> connections() {
                return HubSimulator.this.connections();
            }

            @Override
            public List<StoredEvent> events(String deviceId) {
                return eventHub.store().events(deviceId);
            }

            @Override
            public Traces traces() {
                return HubSimulator.this.traces();
            }

            @Override
            public CloudToDevice cloudToDevice() {
                return c2d;
            }

            @Override
            public HubFaults faults() {
                return faults;
            }

            @Override
            public void reset() {
                HubSimulator.this.reset();
            }
        };
    }

    public int connectionCount() {
        return context.connections().count();
    }

    public long telemetryCount() {
        return eventHub.store().count();
    }

    public SimulatorInfo info() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("amqps", amqpsPort());
        ports.put("amqp", amqpPort());
        ports.put("websocket", httpsPort());
        ports.put("https", httpsPort());
        SharedAccessPolicy ehPolicy = eventHubPolicy();
        return new SimulatorInfo(hub.name(), hub.primaryHostName(), hub.hostNames(), ports,
                tls.caCertificatePem() == null ? null : tls.caCertificatePem().toAbsolutePath().toString(),
                tls.trustStore() == null ? null : tls.trustStore().toAbsolutePath().toString(),
                tls.trustStorePassword(),
                hub.registry().devices().stream().map(d -> new SimulatorInfo.DeviceEntry(d.deviceId(),
                        deviceConnectionString(d.deviceId()), d.primaryKey())).toList(),
                hub.registry().policies().stream().map(p -> new SimulatorInfo.PolicyEntry(p.name(),
                        policyConnectionString(p.name()), p.primaryKey())).toList(),
                hub.registry().policy("iothubowner").map(p -> policyToken(p.name(), Duration.ofDays(365))).orElse(null),
                eventHub.settings().name(), eventHub.endpoint(),
                ehPolicy == null ? null : eventHub.connectionString(ehPolicy),
                ehPolicy == null ? null : eventHub.developmentEmulatorConnectionString(ehPolicy),
                eventHub.settings().partitionIds(), eventHub.settings().consumerGroups());
    }

    /** Internal broker access for contract tests of the Artemis hooks; not for users. */
    HubBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        front.close();
        http.close();
        broker.close();
        c2d.close();
        context.scheduler().shutdownNow();
    }

    public static final class Builder {
        private HubConfig config;
        private Path configFile;
        private Path dataDir;
        private String bindHost = "127.0.0.1";
        private int amqpsPort = SDK_AMQPS_PORT;
        private int amqpPort = DEFAULT_AMQP_PORT;
        private int httpsPort = SDK_HTTPS_PORT;
        private Path stubs;
        private Path keyStore;
        private String keyStorePassword;
        private boolean persistent;
        private Duration clockSkew = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private Long telemetryRetained;
        private C2dSettings c2dSettings;
        private LimitProfile limitProfile;
        private Duration maxTokenLifetime;
        private final java.util.EnumSet<Deviation> deviations = java.util.EnumSet.noneOf(Deviation.class);
        private boolean traceFrames = true;
        private int traceRecordsPerConnection = 10_000;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;

        private Builder() {
        }

        /** The hub to play; without one (and without a config file), the default hub with a few devices. */
        public Builder hub(HubConfig hubConfig) {
            this.config = hubConfig;
            return this;
        }

        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** Where generated keys, TLS material and (with persistence) the journal live. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

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

        /** How long past {@code se} a token still counts (Edge Hub allows 5 minutes). */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** At most this many events per partition (overrides the hub definition's {@code eventHub.retainedEvents}). */
        public Builder telemetryRetained(long messages) {
            this.telemetryRetained = messages;
            return this;
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

        /** Claims last at most this long after they are granted, whatever the token says (e.g. 30 s to watch renewals). */
        /** Departs on purpose from one documented statement per deviation, to test a conformance kit; none by default. */
        public Builder deviate(Deviation... chosen) {
            deviations.addAll(List.of(chosen));
            return this;
        }

        public Builder maxTokenLifetime(Duration lifetime) {
            this.maxTokenLifetime = lifetime;
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

        public HubSimulator start() {
            long t0 = System.nanoTime();
            Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".hubsim");
            HubConfig hubConfig = configFile != null ? HubConfigLoader.load(configFile) : config != null ? config : HubConfig.defaultHub();
            Hub hub = HubFactory.create(hubConfig, dir);
            if (persistent) {
                RegistryJournal.restoreAndFollow(dir.resolve("registry").resolve(hub.name() + ".json"), hub.registry());
            }
            EventHubSettings ehSettings = HubConfig.eventHubSettings(hub.name(), hubConfig.eventHub());
            if (telemetryRetained != null) {
                ehSettings = ehSettings.withRetainedEvents(telemetryRetained);
            }
            // The Event Hubs client checks the endpoint's host name against the certificate (real-clients.md §4.4).
            List<String> certificateNames = new java.util.ArrayList<>(hub.hostNames());
            if (certificateNames.stream().noneMatch(ehSettings.hostName()::equalsIgnoreCase)) {
                certificateNames.add(ehSettings.hostName());
            }
            TlsMaterial tls = keyStore != null ? TlsMaterial.userSupplied(keyStore, keyStorePassword)
                    : TlsMaterial.localCa(dir.resolve("tls"), certificateNames);
            checkFree(amqpsPort, "AMQPS", "--amqps-port / amqpsPort(...)");
            checkFree(amqpPort, "AMQP", "--amqp-port / amqpPort(...)");
            TokenValidator tokens = TokenValidator.iotHub(hub, clockSkew, clock);
            TokenValidator eventHubTokens = TokenValidator.eventHubs(hub, ehSettings.hostName(), ehSettings.name(), clockSkew, clock);
            C2dSettings settings = c2dSettings != null ? c2dSettings
                    : hubConfig.cloudToDevice() != null ? hubConfig.cloudToDevice().applyTo(C2dSettings.hubDefaults()) : C2dSettings.hubDefaults();
            Limits limits = new Limits(limitProfile != null ? limitProfile : hubConfig.limitProfile());
            CloudToDevice c2d = new CloudToDevice(hub, settings, clock,
                    persistent ? new JournalC2dStore(dir.resolve("c2d")) : C2dStore.IN_MEMORY, limits, new FeedbackMessages());
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hubsim-scheduler");
                t.setDaemon(true);
                return t;
            });
            Traces traces = new Traces(traceFrames, traceRecordsPerConnection, 100, clock);
            Connections connections = new Connections();
            FaultPlan plan = new FaultPlan();
            EventStore store = new EventStore(ehSettings, clock, persistent ? dir.resolve("events").resolve(ehSettings.name()) : null);
            EventHubEndpoint eventHub = new EventHubEndpoint(ehSettings, store, clock);
            HubContext context = HubContext.create(hub, tokens, eventHubTokens, c2d, new TelemetryIngest(hub.registry(), store, limits), eventHub,
                    limits, traces, plan, connections, scheduler, clock, maxTokenLifetime != null ? maxTokenLifetime : hubConfig.maxTokenLifetime(),
                    deviations, openTimeout);
            HubBroker broker = new HubBroker(context, new HubBroker.Settings(bindHost, amqpsPort, amqpPort, tls.keyStore(),
                    tls.keyStorePassword(), dir, persistent, idleTimeout, openTimeout));
            ControlApi control = new ControlApi(tokens);
            HttpFace http = new HttpFace(stubs, List.of(new RegistryApi(hub, tokens, connections::anyUsing, c2d::depth), control));
            // WireMock (Jetty) takes about as long to start cold as the broker: the two start side by side.
            java.util.concurrent.CompletableFuture<InetSocketAddress> httpStarted = java.util.concurrent.CompletableFuture.supplyAsync(http::start);
            try {
                broker.start();
            } catch (Exception e) {
                httpStarted.join();
                http.close();
                closeQuietly(broker);
                c2d.close();
                scheduler.shutdownNow();
                if (rootCause(e) instanceof BindException bind) {
                    throw new PortInUseException("cannot listen on " + bindHost + ": " + bind.getMessage(), e);
                }
                throw new IllegalStateException("the broker did not start: " + rootCause(e).getMessage(), e);
            }
            hub.registry().onDeviceRemoved(id -> connections.revokeDevice(id, "is no longer valid: device '" + id + "' was deleted"));
            hub.registry().onDeviceChanged(d -> {
                if (!d.enabled()) {
                    connections.revokeDevice(d.deviceId(), "is no longer valid: device '" + d.deviceId() + "' is disabled");
                }
            });
            HttpsFront front = new HttpsFront(new InetSocketAddress("127.0.0.1", broker.port(HubBroker.WEBSOCKET_ACCEPTOR)), httpStarted.join());
            int boundHttps;
            try {
                boundHttps = front.start(bindHost, httpsPort, tls.keyStore(), tls.keyStorePassword());
            } catch (Exception e) {
                front.close();
                http.close();
                closeQuietly(broker);
                c2d.close();
                scheduler.shutdownNow();
                throw new PortInUseException("cannot listen for HTTPS and WebSockets on " + bindHost + ":" + httpsPort + " (" + rootCause(e).getMessage()
                        + "); choose another port with --https-port / httpsPort(...), or 0 for a free one", e);
            }
            HubSimulator simulator = new HubSimulator(hub, tls, broker, context, new HubFaults(connections, plan), http, front, boundHttps, clock,
                    bindHost, Duration.ofNanos(System.nanoTime() - t0));
            control.bind(simulator.controlTarget());
            return simulator;
        }

        private void checkFree(int port, String what, String option) {
            if (port == 0) {
                return;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(bindHost))) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new PortInUseException(what + " port " + port + " on " + bindHost + " is in use (" + e.getMessage()
                        + "); choose another with " + option + ", or 0 for a free one", e);
            }
        }

        private static Throwable rootCause(Throwable e) {
            while (e.getCause() != null && e.getCause() != e) {
                e = e.getCause();
            }
            return e;
        }

        private static void closeQuietly(HubBroker broker) {
            try {
                broker.close();
            } catch (RuntimeException ignored) {
                // already failing; the start error is the one to report
            }
        }
    }

    @Override
    public String toString() {
        return "HubSimulator[" + hub.name() + " amqps=" + amqpsPort() + " amqp=" + amqpPort() + "]";
    }

}
