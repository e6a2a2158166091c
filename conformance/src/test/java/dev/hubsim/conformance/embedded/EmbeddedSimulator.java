package dev.hubsim.conformance.embedded;

import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.TestHooks;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.probe.ConnectionString;
import dev.hubsim.probe.Endpoint;
import dev.hubsim.conformance.target.EndpointTarget;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.conformance.target.SimulatorControl;
import dev.hubsim.faults.Scope;
import dev.hubsim.throttling.Operation;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.LimitMode;
import dev.hubsim.limits.LimitProfile;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one class of the kit that knows the simulator: it starts an embedded hub through the public builder and hands
 * the kit what any endpoint would give (host, port, trust store, connection strings), plus the @simulator control.
 */
public final class EmbeddedSimulator {
    /** Feedback batches close after this instead of the hub's 15 s, so feedback scenarios finish fast (each waits for one). */
    private static final Duration FEEDBACK_INTERVAL = Duration.ofMillis(50);
    /** One data directory for every embedded simulator of this JVM: the local CA and the device keys are made once. */
    private static final Path DATA_DIR = createDataDir();

    private EmbeddedSimulator() {
    }

    private static Path createDataDir() {
        try {
            Path dir = Files.createTempDirectory("hubsim-specs");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The simulator as documented, with the @simulator control. */
    public static HubTarget start(LimitProfile profile) {
        return start(profile, Variant.AS_DOCUMENTED);
    }

    /**
     * A simulator that departs on purpose from the documents, for the kit's self-test (see {@link Variant}). The probe
     * speaks plain AMQP to it (the same hub on its plain port): the self-test judges the kit, not TLS, and a TLS
     * handshake per scenario is a fifth of the CPU of a run. Redirects still lead to the TLS endpoint.
     */
    public static HubTarget start(Variant variant) {
        return start(new How(variant, true), LimitProfile.iothub());
    }

    private static HubTarget start(LimitProfile profile, Variant variant) {
        return start(new How(variant, false), profile);
    }

    /** What every simulator of one target shares: how it departs, and whether the probe speaks plain AMQP to it. */
    private record How(Variant variant, boolean plain) {
    }

    private static HubTarget start(How how, LimitProfile profile) {
        return start(how, base().limits(how.variant().apply(profile)), profile.name() + " profile", null);
    }

    private static HubSimulator.Builder base() {
        return HubSimulator.builder().dataDir(DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(FEEDBACK_INTERVAL));
    }

    private static HubTarget start(How how, HubSimulator.Builder builder, String what, MovableClock clock) {
        Variant variant = how.variant();
        // Deviations are a test-only hook, not on the public builder.
        HubSimulator hub = TestHooks.deviate(builder, variant.deviationArray()).start();
        try {
            SimulatorInfo info = hub.info();
            SSLContext trust = EndpointTarget.trust(Path.of(info.trustStore()), info.trustStorePassword());
            Endpoint endpoint = how.plain() ? new Endpoint("127.0.0.1", hub.amqpPort(), null, info.hostName())
                    : new Endpoint("127.0.0.1", hub.amqpsPort(), trust, info.hostName());
            List<ConnectionString> devices = info.devices().stream().map(d -> ConnectionString.parse(d.connectionString())).toList();
            ConnectionString service = info.policies().stream().filter(p -> p.name().equals("service")).findFirst()
                    .map(p -> ConnectionString.parse(p.connectionString())).orElseThrow();
            Control control = new Control(hub, how, clock);
            String label = "embedded simulator (" + what + (how.plain() ? ", plain AMQP" : "")
                    + (variant == Variant.AS_DOCUMENTED ? "" : ", departing: " + variant) + ")";
            return EndpointTarget.of(label, info.hubName(), endpoint, trust, devices, service, control, () -> {
                control.closeSecondaries();
                hub.close();
            }, hub.mqttsPort(), hub.httpsPort());
        } catch (Exception e) {
            hub.close();
            throw new IllegalStateException("cannot trust the embedded simulator's CA", e);
        }
    }

    /**
     * The simulator seen as any other endpoint: connection strings and trust only, no control, as a run against a real
     * hub would see it.
     */
    public static HubTarget startWithoutControl() throws Exception {
        HubSimulator hub = base().start();
        SimulatorInfo info = hub.info();
        // The settings a user passes as hubsim.specs.* properties, read by the same code.
        Map<String, String> settings = Map.of(
                "deviceConnectionStrings", String.join(",", info.devices().stream().map(d -> d.connectionString()).toList()),
                "serviceConnectionString", info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString(),
                "port", Integer.toString(hub.amqpsPort()),
                "mqttsPort", Integer.toString(hub.mqttsPort()),
                "httpsPort", Integer.toString(hub.httpsPort()),
                "trustStore", info.trustStore(),
                "trustStorePassword", info.trustStorePassword(),
                "hubName", info.hubName());
        HubTarget endpoint = EndpointTarget.fromSettings(settings::get).orElseThrow();
        return EndpointTarget.of(endpoint.describe(), endpoint.hubName(), endpoint.endpoint(), endpoint.trust(), endpoint.devices(), endpoint.service(),
                null, hub::close, endpoint.mqttsPort(), endpoint.httpsPort());
    }

    private static final class Control implements SimulatorControl {
        private final HubSimulator hub;
        private final How how;
        private final MovableClock clock;
        /** The imp profile, short times and a low claim cap in one simulator: a simulator start is a tenth of a run. */
        private final Secondary constrained;
        private final Secondary addressCap;
        private final Secondary quotaExhausted;

        Control(HubSimulator hub, How how, MovableClock clock) {
            this.hub = hub;
            this.how = how;
            this.clock = clock;
            this.constrained = new Secondary(this::startConstrained);
            this.quotaExhausted = new Secondary(() -> {
                HubTarget target = start(how, base().limits(how.variant().apply(LimitProfile.iothub())), "daily quota used up", null);
                ((Control) target.control().orElseThrow()).hub.faults().exhaustDailyQuota();
                return target;
            });
            this.addressCap = new Secondary(() -> {
                LimitProfile capped = how.variant().apply(LimitProfile.iothub()
                        .with(LimitKind.CONNECTIONS_PER_ADDRESS, connectionsPerAddress(), LimitMode.ENFORCE));
                return start(how, base().limits(capped), "iothub profile, " + connectionsPerAddress() + " connections per address", null);
            });
        }

        /**
         * The imp profile (its limits count per client identity, and the kit's ANONYMOUS connections each have their own
         * container-id, so other scenarios are not limited), no clock skew, a short lock, a movable clock (tokens are
         * signed against it), and a low claim cap (no other scenario holds many claims on one connection).
         */
        private HubTarget startConstrained() {
            MovableClock movable = new MovableClock();
            LimitProfile profile = how.variant().apply(LimitProfile.imp()
                    .with(LimitKind.CLAIMS_PER_CONNECTION, claimsPerConnection(), LimitMode.ENFORCE));
            HubSimulator.Builder builder = base().limits(profile).clockSkew(Duration.ZERO).clock(movable)
                    .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(FEEDBACK_INTERVAL).withLockTimeout(shortLock()));
            return start(how, builder, "imp profile, " + claimsPerConnection() + " claims per connection, no clock skew, "
                    + shortLock().toSeconds() + " s lock, movable clock", movable);
        }

        @Override
        public void expireClaims(String deviceId) {
            hub.faults().expireClaims(Scope.device(deviceId));
        }

        @Override
        public HubTarget impProfileTarget() {
            return constrained.get();
        }

        @Override
        public HubTarget timingTarget() {
            return constrained.get();
        }

        @Override
        public HubTarget claimCapTarget() {
            return constrained.get();
        }

        @Override
        public void throttleNextSends(String deviceId, int count) {
            hub.faults().throttleNext(deviceId, Operation.D2C_SEND, count);
        }

        @Override
        public HubTarget quotaExhaustedTarget() {
            return quotaExhausted.get();
        }

        @Override
        public HubTarget addressCapTarget() {
            return addressCap.get();
        }

        @Override
        public void moveClock(Duration by) {
            if (clock == null) {
                throw new IllegalStateException("only the timing target's clock moves");
            }
            clock.move(by);
        }

        @Override
        public Duration clockOffset() {
            return clock == null ? Duration.ZERO : clock.offset();
        }

        @Override
        public int purge(String deviceId) {
            return hub.cloudToDevice().purge(deviceId);
        }

        @Override
        public void patchDesired(String deviceId, String json) {
            hub.twins().patchDesired(deviceId, json);
        }

        void closeSecondaries() {
            constrained.close();
            quotaExhausted.close();
            addressCap.close();
        }
    }

    /** A simulator started on first use and closed with its primary. */
    private static final class Secondary {
        private final Supplier<HubTarget> starter;
        private HubTarget target;

        Secondary(Supplier<HubTarget> starter) {
            this.starter = starter;
        }

        synchronized HubTarget get() {
            if (target == null) {
                target = starter.get();
            }
            return target;
        }

        synchronized void close() {
            if (target != null) {
                target.close();
            }
        }
    }
}
