package dev.hubsim.cli;

import ch.qos.logback.classic.Level;
import dev.hubsim.HubSimulator;
import dev.hubsim.PortInUseException;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.config.ConfigException;
import dev.hubsim.config.HubConfigLoader;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.Tier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code hubsim}: starts the simulator, prints its connection strings and runs until stopped. */
@Command(name = "hubsim", mixinStandardHelpOptions = true, version = "hubsim 0.1.0",
        description = "A local Azure IoT Hub stand-in for AMQP 1.0, on an embedded Apache ActiveMQ Artemis broker.",
        sortOptions = false)
public final class SimulatorCommand implements Callable<Integer> {
    /** Printed policies: the ones a service or an admin tool needs; the info file lists them all. */
    private static final List<String> PRINTED_POLICIES = List.of("iothubowner", "service");

    @Option(names = "--config", paramLabel = "FILE", description = "Hub definition (JSON or YAML). Default: a hub 'simhub' with device1..device3.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Generated keys, TLS material, journal. Default: ~/.hubsim")
    Path dataDir = Path.of(System.getProperty("user.home"), ".hubsim");

    @Option(names = "--amqps-port", paramLabel = "PORT", description = "AMQP over TLS; the Azure IoT SDKs need 5671. 0 picks a free port. Default: ${DEFAULT-VALUE}")
    int amqpsPort = HubSimulator.SDK_AMQPS_PORT;

    @Option(names = "--amqp-port", paramLabel = "PORT", description = "Plain AMQP. 0 picks a free port. Default: ${DEFAULT-VALUE}")
    int amqpPort = HubSimulator.DEFAULT_AMQP_PORT;

    @Option(names = "--mqtts-port", paramLabel = "PORT", description = "MQTT over TLS; the Azure IoT SDKs need 8883. 0 picks a free port. Default: ${DEFAULT-VALUE}")
    int mqttsPort = HubSimulator.SDK_MQTTS_PORT;

    @Option(names = "--mqtt-port", paramLabel = "PORT", description = "Plain MQTT, for debugging (IoT Hub has none). 0 picks a free port. Default: off")
    Integer mqttPort;

    @Option(names = "--https-port", paramLabel = "PORT", description = "HTTPS (registry, control API) and AMQP and MQTT over WebSockets; the Azure IoT SDKs need 443. 0 picks a free port. Default: ${DEFAULT-VALUE}")
    int httpsPort = HubSimulator.SDK_HTTPS_PORT;

    @Option(names = "--stubs", paramLabel = "DIR", description = "WireMock stubs of your own for the HTTPS face (mappings/, __files/).")
    Path stubs;

    @Option(names = "--bind-host", paramLabel = "HOST", description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String bindHost = "127.0.0.1";

    /** The old name of --bind-host, kept working. */
    @Option(names = "--bind", paramLabel = "HOST", hidden = true, description = "Deprecated: --bind-host.")
    String deprecatedBind;

    @Option(names = "--info-file", paramLabel = "PATH", description = "Write ports, trust material and connection strings here as JSON once ready.")
    Path infoFile;

    @Option(names = "--key-store", paramLabel = "FILE", description = "Serve TLS with this PKCS12 key store instead of the generated local CA.")
    Path keyStore;

    @Option(names = "--key-store-password", paramLabel = "PASSWORD", description = "Password of --key-store.")
    String keyStorePassword;

    @Option(names = "--persistent", description = "Keep queued and retained messages, pending feedback and registry changes across restarts (a killed process too) of the same data directory.")
    boolean persistent;

    @Option(names = "--clock-skew", paramLabel = "SECONDS", description = "How long past its expiry a token is still accepted. Default: ${DEFAULT-VALUE}")
    long clockSkewSeconds = 300;

    @Option(names = "--limits", paramLabel = "PROFILE", description = "Limit profile: iothub (the hub's documented limits) or imp (the Electric Imp agent limits). Default: the config file's, else iothub")
    String limits;

    @Option(names = "--tier", paramLabel = "TIER", description = "Play an IoT Hub tier's throttles and daily quota: F1, S1, S2, S3, B1, B2, B3 or off. Default: the config file's, else off")
    String tier;

    @Option(names = "--units", paramLabel = "N", description = "The hub's units for --tier (F1: 1; S1, S2, B1, B2: up to 200; S3, B3: up to 10). Default: the config file's, else 1")
    Integer units;

    @Option(names = "--max-token-lifetime", paramLabel = "SECONDS", description = "Claims last at most this long whatever the token says, to see renewals happen fast.")
    Long maxTokenLifetimeSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Close a connection that sends nothing for this long (the Open advertises half). Default: 240")
    long idleTimeoutSeconds = dev.hubsim.HubSimulator.DEFAULT_IDLE_TIMEOUT.toSeconds();

    @Option(names = "--open-timeout", paramLabel = "SECONDS", description = "Close a socket that has not finished TLS, its protocol header and its AMQP Open after this long. Default: 10")
    long openTimeoutSeconds = dev.hubsim.HubSimulator.DEFAULT_OPEN_TIMEOUT.toSeconds();

    @Option(names = "--max-frame-size", paramLabel = "BYTES", description = "The AMQP max frame size the hub advertises (at least 512). Default: the config file's, else " + HubSimulator.DEFAULT_MAX_FRAME_SIZE)
    Integer maxFrameSize;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN, INFO, DEBUG or TRACE. Default: ${DEFAULT-VALUE}")
    String logLevel = "INFO";

    /** Set by the {@code ./hubsim} launcher for the one start that writes its class-data archive. */
    static final String EXIT_WHEN_READY = "hubsim.exitWhenReady";

    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);

    SimulatorCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        CliLogging.configure();
        CommandLine cli = new CommandLine(new SimulatorCommand(System.out));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("hubsim: " + oneLine(e));
            return 1;
        });
        int code = cli.execute(args);
        if (code != 0 || Boolean.getBoolean(EXIT_WHEN_READY)) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.toLevel(logLevel, Level.INFO));
        String bind = bindHost;
        if (deprecatedBind != null) {
            System.err.println("hubsim: --bind is deprecated; use --bind-host");
            bind = deprecatedBind;
        }
        HubSimulator.Builder builder = HubSimulator.builder().dataDir(dataDir).bindHost(bind).amqpsPort(amqpsPort).amqpPort(amqpPort).httpsPort(httpsPort).mqttsPort(mqttsPort)
                .persistent(persistent).clockSkew(Duration.ofSeconds(clockSkewSeconds))
                .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds)).openTimeout(Duration.ofSeconds(openTimeoutSeconds));
        if (config != null) {
            builder.configFile(config);
        }
        if (keyStore != null) {
            builder.keyStore(keyStore, keyStorePassword);
        }
        if (stubs != null) {
            builder.stubs(stubs);
        }
        if (limits != null) {
            builder.limits(LimitProfile.named(limits));
        }
        if (mqttPort != null) {
            builder.mqttPort(mqttPort);
        }
        if (tier != null || units != null) {
            builder.throttling(throttleSettings());
        }
        if (maxFrameSize != null) {
            builder.maxFrameSize(maxFrameSize);
        }
        if (maxTokenLifetimeSeconds != null) {
            builder.maxTokenLifetime(Duration.ofSeconds(maxTokenLifetimeSeconds));
        }
        HubSimulator simulator = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stop.countDown();
        }, "hubsim-shutdown"));
        SimulatorInfo info = simulator.info();
        print(simulator, info);
        if (infoFile != null) {
            info.writeTo(infoFile);
        }
        out.printf("hubsim ready in %d ms: hub '%s' on amqps://%s:%d, amqp://%s:%d, mqtts://%s:%d%s and https://%s:%d; %s; console %s%n",
                simulator.startupTime().toMillis(), info.hubName(), bind, simulator.amqpsPort(), bind, simulator.amqpPort(), bind,
                simulator.mqttsPort(), simulator.mqttPort() < 0 ? "" : ", mqtt://" + bind + ":" + simulator.mqttPort(), bind, simulator.httpsPort(),
                simulator.throttling().settings().describe(), info.consoleUrl());
        out.flush();
        if (Boolean.getBoolean(EXIT_WHEN_READY)) {
            return 0; // the launcher's class-data archive run: the shutdown hook closes the simulator
        }
        stop.await();
        return 0;
    }

    /** --tier and --units over the config file's: a unit count alone changes the file's tier. */
    private ThrottleSettings throttleSettings() {
        ThrottleSettings file = config != null ? HubConfigLoader.load(config).throttleSettings() : ThrottleSettings.OFF;
        Tier chosen = tier != null ? Tier.parse(tier) : file.tier();
        if (chosen == null) {
            if (units != null && tier == null) {
                throw new IllegalArgumentException("--units needs a tier (--tier S1, or tier: in the config file)");
            }
            return ThrottleSettings.OFF;
        }
        int n = units != null ? units : file.units();
        return new ThrottleSettings(chosen, n, file.burstSeconds(), file.backlogSeconds(), file.maxWait());
    }

    private void print(HubSimulator simulator, SimulatorInfo info) {
        out.println("hubsim: Azure IoT Hub stand-in (AMQP 1.0) - hub '" + info.hubName() + "', host names " + info.hostNames());
        if (info.caCertificatePem() != null) {
            out.println("Trust this CA: " + info.caCertificatePem());
            out.println("  or the PKCS12 trust store " + info.trustStore() + " (password '" + info.trustStorePassword() + "')");
        }
        if (simulator.amqpsPort() != HubSimulator.SDK_AMQPS_PORT) {
            out.println("Note: the Azure IoT SDKs always connect to port 5671; AMQPS is on " + simulator.amqpsPort() + ".");
        }
        if (simulator.mqttsPort() != HubSimulator.SDK_MQTTS_PORT) {
            out.println("Note: the Azure IoT SDKs always connect to port 8883 for MQTT; MQTTS is on " + simulator.mqttsPort() + ".");
        }
        out.println("Devices:");
        info.devices().forEach(d -> out.printf("  %-12s %s%n", d.deviceId(), d.connectionString()));
        if (info.modules() != null && !info.modules().isEmpty()) {
            out.println("Modules:");
            info.modules().forEach(m -> out.printf("  %-12s %s%n", m.deviceId() + "/" + m.moduleId(), m.connectionString()));
        }
        out.println("Policies:");
        info.policies().stream().filter(p -> PRINTED_POLICIES.contains(p.name()))
                .forEach(p -> out.printf("  %-12s %s%n", p.name(), p.connectionString()));
        out.println("Event Hub-compatible endpoint: " + info.eventHubCompatibleEndpoint() + " name '" + info.eventHubCompatibleName()
                + "', partitions " + info.eventHubPartitionIds() + ", consumer groups " + info.eventHubConsumerGroups());
        if (info.eventHubConnectionString() != null) {
            out.println("  TLS       " + info.eventHubConnectionString());
            out.println("  emulator  " + info.eventHubDevelopmentEmulatorConnectionString());
        }
    }

    static String oneLine(Throwable e) {
        if (e instanceof ConfigException || e instanceof PortInUseException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getMessage() + (root != e ? " (" + root.getMessage() + ")" : "");
    }
}
