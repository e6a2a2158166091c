package dev.hubsim;

import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.throttling.ThrottleSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** What a {@link HubSimulator.Builder} was told, as the composition root ({@link Assembly}) reads it; null: not set. */
final class StartSettings {
    HubConfig config;
    Path configFile;
    Path dataDir;
    String bindHost = "127.0.0.1";
    int amqpsPort = HubSimulator.SDK_AMQPS_PORT;
    int amqpPort = HubSimulator.DEFAULT_AMQP_PORT;
    int httpsPort = HubSimulator.SDK_HTTPS_PORT;
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
}
