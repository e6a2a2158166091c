package dev.hubsim;

import dev.hubsim.amqp.HubBroker;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.c2d.C2dStore;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.codec.FeedbackMessages;
import dev.hubsim.config.HubConfig;
import dev.hubsim.config.HubConfigLoader;
import dev.hubsim.config.HubFactory;
import dev.hubsim.connections.Connections;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.eventhub.EventHubSettings;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.HttpsFace;
import dev.hubsim.limits.Limits;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.mqtt.MqttFace;
import dev.hubsim.mqtt.MqttProtocolManagerFactory;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.RegistryJournal;
import dev.hubsim.store.JournalC2dStore;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.tls.TlsMaterial;
import dev.hubsim.twin.TwinStore;
import dev.hubsim.twin.Twins;
import dev.hubsim.trace.Traces;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The composition root: builds the hub core from the builder's settings and the hub definition, then the faces on it
 * (AMQP and MQTT on Artemis, HTTPS), and starts them. A start-up error closes what started and names the fix.
 */
final class Assembly {
    private final StartSettings b;

    private Assembly(HubSimulator.Builder builder) {
        this.b = builder;
    }

    static HubSimulator start(HubSimulator.Builder builder) {
        return new Assembly(builder).start();
    }

    private HubSimulator start() {
        long t0 = System.nanoTime();
        Path dir = b.dataDir != null ? b.dataDir : Path.of(System.getProperty("user.home"), ".hubsim");
        HubConfig hubConfig = b.configFile != null ? HubConfigLoader.load(b.configFile) : b.config != null ? b.config : HubConfig.defaultHub();
        Hub hub = HubFactory.create(hubConfig, dir);
        if (b.persistent) {
            RegistryJournal.restoreAndFollow(dir.resolve("registry").resolve(hub.name() + ".json"), hub.registry());
        }
        EventHubSettings ehSettings = HubConfig.eventHubSettings(hub.name(), hubConfig.eventHub());
        if (b.retainedEvents != null) {
            ehSettings = ehSettings.withRetainedEvents(b.retainedEvents);
        }
        // The Event Hubs client checks the endpoint's host name against the certificate (real-clients.md §4.4).
        List<String> certificateNames = new ArrayList<>(hub.hostNames());
        if (certificateNames.stream().noneMatch(ehSettings.hostName()::equalsIgnoreCase)) {
            certificateNames.add(ehSettings.hostName());
        }
        TlsMaterial tls = b.keyStore != null ? TlsMaterial.userSupplied(b.keyStore, b.keyStorePassword)
                : TlsMaterial.localCa(dir.resolve("tls"), certificateNames);
        checkFree(b.amqpsPort, "AMQPS", "--amqps-port / amqpsPort(...)");
        checkFree(b.amqpPort, "AMQP", "--amqp-port / amqpPort(...)");
        checkFree(b.mqttsPort, "MQTTS", "--mqtts-port / mqttsPort(...)");
        if (b.mqttPort > 0) {
            checkFree(b.mqttPort, "MQTT", "--mqtt-port / mqttPort(...)");
        }
        b.afterPortCheck.run();

        // The hub core.
        TokenValidator tokens = TokenValidator.iotHub(hub, b.clockSkew, b.clock);
        TokenValidator eventHubTokens = TokenValidator.eventHubs(hub, ehSettings.hostName(), ehSettings.name(), b.clockSkew, b.clock);
        C2dSettings c2dSettings = departing(b.c2dSettings != null ? b.c2dSettings
                : hubConfig.cloudToDevice() != null ? hubConfig.cloudToDevice().applyTo(C2dSettings.hubDefaults()) : C2dSettings.hubDefaults());
        Throttling throttling = new Throttling(b.throttling != null ? b.throttling : hubConfig.throttleSettings(), b.clock);
        Limits limits = new Limits(b.limitProfile != null ? b.limitProfile : hubConfig.limitProfile());
        CloudToDevice c2d = new CloudToDevice(hub, c2dSettings, b.clock,
                b.persistent ? new JournalC2dStore(dir.resolve("c2d")) : C2dStore.IN_MEMORY, limits, new FeedbackMessages());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubsim-scheduler");
            t.setDaemon(true);
            return t;
        });
        Traces traces = new Traces(b.traceFrames, b.traceRecordsPerConnection, 100, b.clock);
        Connections connections = new Connections();
        FaultPlan plan = new FaultPlan();
        EventStore store = new EventStore(ehSettings, b.clock, b.persistent ? dir.resolve("events").resolve(ehSettings.name()) : null);
        EventHubEndpoint eventHub = new EventHubEndpoint(ehSettings, store, b.clock);
        Duration maxTokenLifetime = b.maxTokenLifetime != null ? b.maxTokenLifetime : hubConfig.maxTokenLifetime();
        int maxFrameSize = b.maxFrameSize != null ? b.maxFrameSize : hubConfig.maxFrameSize() != null ? hubConfig.maxFrameSize()
                : HubSimulator.DEFAULT_MAX_FRAME_SIZE;

        // A twin for every registered device and module.
        Twins twins = new Twins(key -> key.moduleId() == null ? hub.registry().device(key.deviceId()).isPresent()
                : hub.registry().modules().module(key.deviceId(), key.moduleId()).isPresent(), b.clock,
                b.persistent ? TwinStore.file(dir.resolve("twins").resolve(hub.name() + ".json")) : TwinStore.IN_MEMORY);
        hub.registry().onDeviceRemoved(twins::removeDevice);
        hub.registry().modules().onRemoved(m -> twins.remove(new dev.hubsim.twin.TwinKey(m.deviceId(), m.moduleId())));

        // The faces.
        HubContext context = HubContext.create(hub, tokens, eventHubTokens, c2d, new TelemetryIngest(hub.registry(), store, limits), eventHub,
                limits, throttling, traces, plan, connections, scheduler, b.clock, maxTokenLifetime, b.deviations, b.openTimeout, twins,
                new DirectMethods(hub.registry(), scheduler, connections::anyUsing, b.deviations));
        MqttFace mqttFace = MqttFace.create(hub, tokens, c2d, context.telemetry(), twins, context.methods(), throttling, limits, traces, plan, connections, scheduler, b.clock,
                maxTokenLifetime, b.openTimeout, b.deviations);
        HubBroker.OtherProtocol mqtt = new HubBroker.OtherProtocol(new MqttProtocolManagerFactory(mqttFace), MqttProtocolManagerFactory.PROTOCOL,
                b.mqttsPort, b.mqttPort);
        HubBroker broker = new HubBroker(context, new HubBroker.Settings(b.bindHost, b.amqpsPort, b.amqpPort, tls.keyStore(),
                tls.keyStorePassword(), dir, b.persistent, b.idleTimeout, b.openTimeout, maxFrameSize)).with(mqtt);
        // Loaded once: the TLS acceptors get it through SharedSslContexts, the HTTPS front directly.
        tls.serverContext();
        HttpsFace https = new HttpsFace(b.stubs, hub, tokens, connections::anyUsing, c2d::depth, throttling, context.methods(), twins);
        try {
            broker.start();
        } catch (Exception e) {
            https.close();
            closeQuietly(broker);
            c2d.close();
            scheduler.shutdownNow();
            if (rootCause(e) instanceof BindException bind) {
                // Taken since the check above: name the port and its option as the check does.
                checkFree(b.amqpsPort, "AMQPS", "--amqps-port / amqpsPort(...)");
                checkFree(b.amqpPort, "AMQP", "--amqp-port / amqpPort(...)");
                checkFree(b.mqttsPort, "MQTTS", "--mqtts-port / mqttsPort(...)");
                if (b.mqttPort > 0) {
                    checkFree(b.mqttPort, "MQTT", "--mqtt-port / mqttPort(...)");
                }
                throw new PortInUseException("cannot listen on " + b.bindHost + " (" + bind.getMessage() + "); choose other ports with "
                        + "--amqps-port / amqpsPort(...), --amqp-port / amqpPort(...) and --mqtts-port / mqttsPort(...), or 0 for free ones", e);
            }
            throw new IllegalStateException("the broker did not start: " + rootCause(e).getMessage(), e);
        }
        // A deleted or disabled device loses its claims on every connection of every face.
        hub.registry().onDeviceRemoved(id -> connections.revokeDevice(id, "is no longer valid: device '" + id + "' was deleted"));
        hub.registry().modules().onRemoved(m -> connections.revokeModule(m.deviceId(), m.moduleId(),
                "is no longer valid: module '" + m.deviceId() + "/" + m.moduleId() + "' was deleted"));
        hub.registry().onDeviceChanged(d -> {
            if (!d.enabled()) {
                connections.revokeDevice(d.deviceId(), "is no longer valid: device '" + d.deviceId() + "' is disabled");
            }
        });
        int boundHttps;
        try {
            boundHttps = https.start(new InetSocketAddress("127.0.0.1", broker.port(HubBroker.WEBSOCKET_ACCEPTOR)), b.bindHost, b.httpsPort,
                    tls.serverContext());
        } catch (Exception e) {
            https.close();
            closeQuietly(broker);
            c2d.close();
            scheduler.shutdownNow();
            throw new PortInUseException("cannot listen for HTTPS and WebSockets on " + b.bindHost + ":" + b.httpsPort + " ("
                    + rootCause(e).getMessage() + "); choose another port with --https-port / httpsPort(...), or 0 for a free one", e);
        }
        HubSimulator simulator = new HubSimulator(new RunningParts(hub, tls, broker, mqtt, context, new HubFaults(connections, plan, throttling), https,
                boundHttps, b.clock, b.bindHost, Duration.ofNanos(System.nanoTime() - t0)));
        https.bind(new ControlView(simulator, context));
        return simulator;
    }

    /** The cloud-to-device times of a hub departing on purpose (test-only, see {@link TestHooks}): as set when none is asked. */
    private C2dSettings departing(C2dSettings s) {
        // Longer than any test runs: a lock or a time to live that never ends, for what a test can observe.
        Duration forever = Duration.ofDays(36_500);
        if (b.deviations.contains(Deviation.C2D_LOCK_NEVER_TIMES_OUT)) {
            s = s.withLockTimeout(forever);
        }
        if (b.deviations.contains(Deviation.C2D_DEFAULT_TTL_IGNORED)) {
            s = s.withDefaultTtl(s.maxTtl());
        }
        if (b.deviations.contains(Deviation.C2D_TTL_NOT_CAPPED)) {
            s = new C2dSettings(s.lockTimeout(), s.maxDeliveryCount(), s.defaultTtl(), forever, s.feedbackBatchSize(), s.feedbackInterval(),
                    s.feedbackRetained());
        }
        return s;
    }

    private void checkFree(int port, String what, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(b.bindHost))) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new PortInUseException(what + " port " + port + " on " + b.bindHost + " is in use (" + e.getMessage()
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
