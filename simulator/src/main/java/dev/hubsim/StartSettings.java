package dev.hubsim;

import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.Tier;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The settings of a {@link HubSimulator.Builder} and their setters (public through the builder), as the composition
 * root ({@link Assembly}) reads them; null: not set. Each has one name and one unit across the builder, the CLI and
 * the config file (README, "Settings").
 */
abstract class StartSettings {
    HubConfig config;
    Path configFile;
    Path dataDir;
    String bindHost = "127.0.0.1";
    int amqpsPort = HubSimulator.SDK_AMQPS_PORT;
    int amqpPort = HubSimulator.DEFAULT_AMQP_PORT;
    int httpsPort = HubSimulator.SDK_HTTPS_PORT;
    int mqttsPort = HubSimulator.SDK_MQTTS_PORT;
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
    Duration idleTimeout = HubSimulator.DEFAULT_IDLE_TIMEOUT;
    Duration openTimeout = HubSimulator.DEFAULT_OPEN_TIMEOUT;
    /** Runs between the free-port check and the bind: a test takes a port there (PortRaceTest). */
    Runnable afterPortCheck = () -> { };

    private HubSimulator.Builder self() {
        return (HubSimulator.Builder) this;
    }


    /** The hub to play; without one (and without a config file), the default hub with a few devices. */
    public HubSimulator.Builder hub(HubConfig hubConfig) {
        this.config = hubConfig;
        return self();
    }

    /** A hub definition file, JSON or YAML (CLI {@code --config}). */
    public HubSimulator.Builder configFile(Path file) {
        this.configFile = file;
        return self();
    }

    /** Where generated keys, TLS material and (with persistence) the journals live (CLI {@code --data-dir}). */
    public HubSimulator.Builder dataDir(Path dir) {
        this.dataDir = dir;
        return self();
    }

    /** The address to listen on (CLI {@code --bind-host}); 127.0.0.1 by default. */
    public HubSimulator.Builder bindHost(String host) {
        this.bindHost = host;
        return self();
    }

    /** 0 picks a free port; the Azure IoT SDKs can only reach 5671. */
    public HubSimulator.Builder amqpsPort(int port) {
        this.amqpsPort = port;
        return self();
    }

    public HubSimulator.Builder amqpPort(int port) {
        this.amqpPort = port;
        return self();
    }

    /** The HTTPS and WebSocket port; 443 by default, which the SDKs need and which may need privileges; 0 picks one. */
    public HubSimulator.Builder httpsPort(int port) {
        this.httpsPort = port;
        return self();
    }

    /** MQTT over TLS; 8883 by default, which the Azure IoT SDKs need; 0 picks a free port. */
    public HubSimulator.Builder mqttsPort(int port) {
        this.mqttsPort = port;
        return self();
    }

    /** Plain MQTT, for debugging: -1 (the default) turns it off, 0 picks a free port. IoT Hub has no plain MQTT. */
    public HubSimulator.Builder mqttPort(int port) {
        this.mqttPort = port;
        return self();
    }

    /** A WireMock directory ({@code mappings/}, {@code __files/}) with stubs of your own for the HTTPS face. */
    public HubSimulator.Builder stubs(Path dir) {
        this.stubs = dir;
        return self();
    }

    /** Serve with this PKCS12 key store instead of the generated local CA. */
    public HubSimulator.Builder keyStore(Path file, String password) {
        this.keyStore = file;
        this.keyStorePassword = password;
        return self();
    }

    public HubSimulator.Builder persistent(boolean on) {
        this.persistent = on;
        return self();
    }

    /** How long past {@code se} a token still counts (Edge Hub allows 5 minutes; CLI {@code --clock-skew} seconds). */
    public HubSimulator.Builder clockSkew(Duration skew) {
        this.clockSkew = skew;
        return self();
    }

    public HubSimulator.Builder clock(Clock c) {
        this.clock = c;
        return self();
    }

    /** At most this many events per partition (the hub definition's {@code eventHub.retainedEvents}, which this overrides). */
    public HubSimulator.Builder retainedEvents(long events) {
        this.retainedEvents = events;
        return self();
    }

    /** @deprecated the same setting as {@link #retainedEvents(long)}, under its old name. */
    @Deprecated
    public HubSimulator.Builder telemetryRetained(long messages) {
        return retainedEvents(messages);
    }

    /** Cloud-to-device limits and timings; else the config file's, else the hub's own. */
    public HubSimulator.Builder cloudToDevice(C2dSettings settings) {
        this.c2dSettings = settings;
        return self();
    }

    /** The limits and credit policies; else the config file's, else the {@code iothub} profile. */
    public HubSimulator.Builder limits(LimitProfile profile) {
        this.limitProfile = profile;
        return self();
    }

    /**
     * The IoT Hub tier to play (CLI {@code --tier} and {@code --units}, config {@code tier:} and {@code units:}): its
     * documented throttles and daily quota (README, "Throttling"); null: no throttling, the default.
     */
    public HubSimulator.Builder tier(Tier tier, int units) {
        ThrottleSettings base = this.throttling != null ? this.throttling : ThrottleSettings.OFF;
        this.throttling = new ThrottleSettings(tier, units, base.burstSeconds(), base.backlogSeconds(), base.maxWait());
        return self();
    }

    /** The tier with how its throttles queue (burst, backlog, longest wait); overrides the config file's. */
    public HubSimulator.Builder throttling(ThrottleSettings settings) {
        this.throttling = settings;
        return self();
    }

    /** Claims last at most this long after they are granted, whatever the token says (e.g. 30 s to watch renewals). */
    public HubSimulator.Builder maxTokenLifetime(Duration lifetime) {
        this.maxTokenLifetime = lifetime;
        return self();
    }

    /**
     * The AMQP max frame size the hub's Open advertises, in bytes (CLI {@code --max-frame-size}, config
     * {@code maxFrameSize}); {@link #DEFAULT_MAX_FRAME_SIZE} by default. Proton holds an input and an output buffer of
     * this size per connection, so it sets the broker memory a device costs (README, "CLI options").
     */
    public HubSimulator.Builder maxFrameSize(int bytes) {
        if (bytes < 512) {
            throw new IllegalArgumentException("maxFrameSize must be at least 512 bytes (AMQP's minimum), not " + bytes);
        }
        this.maxFrameSize = bytes;
        return self();
    }

    /** Whether every frame is traced (CBS exchanges, faults and violations are either way), and how many per connection. */
    public HubSimulator.Builder tracing(boolean frames, int recordsPerConnection) {
        this.traceFrames = frames;
        this.traceRecordsPerConnection = recordsPerConnection;
        return self();
    }

    /**
     * The AMQP idle timeout (Edge Hub's 240 s by default): a connection that sends nothing, not even an empty
     * frame, for this long is closed with {@code amqp:resource-limit-exceeded}; the Open advertises half of it, so
     * clients know how often to send heartbeats.
     */
    public HubSimulator.Builder idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return self();
    }

    /** How long a new socket may take to send its protocol header and its AMQP Open before it is closed (10 s). */
    public HubSimulator.Builder openTimeout(Duration timeout) {
        this.openTimeout = timeout;
        return self();
    }
}
