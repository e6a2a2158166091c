package dev.hubsim.conformance.embedded;

import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.TestHooks;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.conformance.probe.ConnectionString;
import dev.hubsim.conformance.probe.Endpoint;
import dev.hubsim.conformance.target.EndpointTarget;
import dev.hubsim.conformance.target.HubTarget;
import dev.hubsim.conformance.target.SimulatorControl;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.Scope;
import dev.hubsim.limits.LimitProfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one class of the kit that knows the simulator: it starts an embedded hub through the public builder and hands
 * the kit what any endpoint would give (host, port, trust store, connection strings), plus the @simulator control.
 */
public final class EmbeddedSimulator {
    /** Feedback batches close after this instead of the hub's 15 s, so feedback scenarios finish fast. */
    private static final Duration FEEDBACK_INTERVAL = Duration.ofMillis(200);

    private EmbeddedSimulator() {
    }

    public static HubTarget start(LimitProfile profile) throws Exception {
        return start(profile, new Deviation[0]);
    }

    /**
     * The simulator seen as any other endpoint: connection strings and trust only, no control, as a run against a real
     * hub would see it.
     */
    public static HubTarget startWithoutControl() throws Exception {
        Path dataDir = Files.createTempDirectory("hubsim-specs");
        HubSimulator hub = HubSimulator.builder().dataDir(dataDir).amqpsPort(0).amqpPort(0).httpsPort(0)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(FEEDBACK_INTERVAL)).start();
        SimulatorInfo info = hub.info();
        // The settings a user passes as hubsim.specs.* properties, read by the same code.
        Map<String, String> settings = Map.of(
                "deviceConnectionStrings", String.join(",", info.devices().stream().map(d -> d.connectionString()).toList()),
                "serviceConnectionString", info.policies().stream().filter(p -> p.name().equals("service")).findFirst().orElseThrow().connectionString(),
                "port", Integer.toString(hub.amqpsPort()),
                "trustStore", info.trustStore(),
                "trustStorePassword", info.trustStorePassword(),
                "hubName", info.hubName());
        HubTarget endpoint = EndpointTarget.fromSettings(settings::get).orElseThrow();
        return EndpointTarget.of(endpoint.describe(), endpoint.hubName(), endpoint.endpoint(), endpoint.devices(), endpoint.service(), null, hub::close);
    }

    /** A simulator that departs on purpose from the documents, for the kit's self-test (see {@link Deviation}). */
    public static HubTarget start(LimitProfile profile, Deviation... deviations) throws Exception {
        Path dataDir = Files.createTempDirectory("hubsim-specs");
        // Deviations are a test-only hook, not on the public builder.
        HubSimulator hub = TestHooks.deviate(HubSimulator.builder().dataDir(dataDir).amqpsPort(0).amqpPort(0).httpsPort(0).limits(profile)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackInterval(FEEDBACK_INTERVAL)), deviations).start();
        String label = "embedded simulator (" + profile.name() + " profile" + (deviations.length == 0 ? "" : ", deviating: "
                + java.util.Arrays.toString(deviations)) + ")";
        SimulatorInfo info = hub.info();
        Endpoint endpoint = new Endpoint("127.0.0.1", hub.amqpsPort(),
                EndpointTarget.trust(Path.of(info.trustStore()), info.trustStorePassword()), info.hostName());
        List<ConnectionString> devices = info.devices().stream().map(d -> ConnectionString.parse(d.connectionString())).toList();
        ConnectionString service = info.policies().stream().filter(p -> p.name().equals("service")).findFirst()
                .map(p -> ConnectionString.parse(p.connectionString())).orElseThrow();
        Control control = new Control(hub);
        return EndpointTarget.of(label, info.hubName(), endpoint, devices, service, control, () -> {
            control.closeImp();
            hub.close();
        });
    }

    private static final class Control implements SimulatorControl {
        private final HubSimulator hub;
        private HubTarget imp;

        Control(HubSimulator hub) {
            this.hub = hub;
        }

        @Override
        public void expireClaims(String deviceId) {
            hub.faults().expireClaims(Scope.device(deviceId));
        }

        @Override
        public synchronized HubTarget impProfileTarget() {
            if (imp == null) {
                try {
                    imp = start(LimitProfile.imp());
                } catch (Exception e) {
                    throw new IllegalStateException("could not start the imp-profile simulator", e);
                }
            }
            return imp;
        }

        synchronized void closeImp() {
            if (imp != null) {
                imp.close();
            }
        }
    }
}
