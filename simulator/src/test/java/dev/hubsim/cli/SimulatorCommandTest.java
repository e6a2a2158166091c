package dev.hubsim.cli;

import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.ExportedTrust;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as users run it: a separate process, its printed lines, its info file, its exit codes. */
class SimulatorCommandTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void theCliWritesAnInfoFileWhoseConnectionDetailsWork(@TempDir Path dir) throws Exception {
        Path info = dir.resolve("info.json");
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.resolve("data").toString(), "--amqps-port", "0", "--mqtts-port", "0",
                "--amqp-port", "0", "--https-port", "0", "--info-file", info.toString())) {
            String ready = cli.awaitLine("hubsim ready", START_TIMEOUT);
            System.out.println("CLI start to ready line: " + cli.sinceStart().toMillis() + " ms (" + ready + ")");
            assertTrue(cli.stdoutSeen().stream().anyMatch(l -> l.contains("HostName=127.0.0.1;DeviceId=device1;SharedAccessKey=")), cli.stdoutSeen().toString());
            assertTrue(cli.stdoutSeen().stream().anyMatch(l -> l.contains("SharedAccessKeyName=iothubowner")));
            assertTrue(cli.stdoutSeen().stream().anyMatch(l -> l.contains("SharedAccessKeyName=service")));

            SimulatorInfo written = SimulatorInfo.readFrom(info);
            assertEquals("simhub", written.hubName());
            assertEquals("127.0.0.1", written.hostName());
            int amqps = written.ports().get("amqps");
            assertNotEquals(0, amqps);
            assertTrue(ready.contains("amqps://127.0.0.1:" + amqps), ready);
            int mqtts = written.ports().get("mqtts");
            assertNotEquals(0, mqtts);
            assertNotEquals(HubSimulator.SDK_MQTTS_PORT, mqtts, "--mqtts-port 0 picks a free port");
            assertTrue(ready.contains("mqtts://127.0.0.1:" + mqtts), ready);
            assertFalse(written.ports().containsKey("mqtt"), "plain MQTT is off by default");
            assertTrue(ready.contains("; throttling off;"), "no tier, no throttling, and the ready line says so: " + ready);
            String console = "https://127.0.0.1:" + written.ports().get("https") + "/hubsim/ui/";
            assertEquals(console, written.consoleUrl());
            assertTrue(ready.endsWith("; console " + console), ready);
            assertTrue(Files.exists(Path.of(written.caCertificatePem())));
            assertEquals(5, written.policies().size());

            // Connect with nothing but the info file: its trust store, a device connection string, its port.
            SimulatorInfo.DeviceEntry device = written.devices().get(0);
            Map<String, String> cs = Arrays.stream(device.connectionString().split(";")).map(p -> p.split("=", 2))
                    .collect(Collectors.toMap(p -> p[0], p -> p[1]));
            String token = SasTokens.create(cs.get("HostName") + "/devices/" + cs.get("DeviceId"), cs.get("SharedAccessKey"),
                    Instant.now().plusSeconds(600), null);
            try (AmqpTestClient client = AmqpTestClient.tls(amqps, ExportedTrust.sslContext(written),
                    SaslChoice.plain(cs.get("DeviceId") + "@sas." + written.hubName(), token)).awaitOpen()) {
                Sender sender = client.sender(client.session(), "t", "/devices/" + cs.get("DeviceId") + "/messages/events");
                Message m = Proton.message();
                m.setBody(new Data(AmqpTestClient.binary("from the info file")));
                assertInstanceOf(Accepted.class, client.send(sender, m));
            }
        }
    }

    @Test
    void keysStayTheSameAcrossRestartsOfOneDataDirectory(@TempDir Path dir) throws Exception {
        String first;
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0", "--https-port", "0")) {
            first = cli.awaitLine("  device1", START_TIMEOUT);
        }
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0", "--https-port", "0")) {
            assertEquals(first, cli.awaitLine("  device1", START_TIMEOUT));
        }
    }

    @Test
    void aBadConfigFileIsOneClearLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, "name: myhub\ndevices:\n  - deviceId: d1\n    primaryKey: not-base64!\n");
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--config", config.toString())) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            assertEquals("hubsim: config " + config + ": device 'd1' primaryKey is not valid base64\n", cli.stderr());
        }
        Files.writeString(config, "name: myhub\ndevicez: []\n");
        // A typo must not silently start the default hub.
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--config", config.toString())) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            assertEquals("hubsim: config file " + config + " has an unknown field 'devicez' at /devicez (expected one of "
                    + "[cloudToDevice, devices, eventHub, hostNames, limits, maxFrameSize, maxTokenLifetimeAsIso8601, maxTokenLifetimeSeconds, name, "
                    + "policies, throttle, tier, units])\n", cli.stderr());
            assertEquals(1, cli.stderr().lines().count(), cli.stderr());
        }
    }

    @Test
    void aBusyPortIsOneClearLineNamingTheOption(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--amqps-port", "0", "--mqtts-port", "0", "--https-port", "0",
                     "--amqp-port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            String err = cli.stderr();
            assertTrue(err.startsWith("hubsim: AMQP port " + taken.getLocalPort() + " on 127.0.0.1 is in use"), err);
            assertTrue(err.contains("--amqp-port"), err);
            assertEquals(1, err.lines().count(), err);
        }
    }

    @Test
    void aBusyHttpsPortIsOneClearLineNamingTheOption(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0",
                     "--https-port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            String err = cli.stderr();
            assertTrue(err.startsWith("hubsim: cannot listen for HTTPS and WebSockets on 127.0.0.1:" + taken.getLocalPort()), err);
            assertTrue(err.contains("--https-port"), err);
            assertEquals(1, err.lines().count(), err);
        }
    }

    @Test
    void anUnreadableKeyStoreIsOneClearLine(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("server.p12");
        Files.writeString(bogus, "not a key store");
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0", "--https-port", "0",
                "--key-store", bogus.toString(), "--key-store-password", "x")) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            assertTrue(cli.stderr().startsWith("hubsim: cannot read key store " + bogus), cli.stderr());
            assertEquals(1, cli.stderr().lines().count(), cli.stderr());
        }
    }

    @Test
    void theTierComesFromTheConfigFileAndTheCliOverridesItsUnits(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, "name: tierhub\ndevices:\n  - deviceId: d1\ntier: B1\nunits: 2\n");
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--config", config.toString(), "--units", "4",
                "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0", "--https-port", "0")) {
            String ready = cli.awaitLine("hubsim ready", START_TIMEOUT);
            assertTrue(ready.contains("; tier B1 x 4 units;"), ready);
        }
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--tier", "S9")) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            assertEquals("hubsim: unknown tier 'S9' (F1, S1, S2, S3, B1, B2, B3 or off)\n", cli.stderr());
        }
        try (SimulatorProcess cli = new SimulatorProcess("--data-dir", dir.toString(), "--tier", "F1", "--units", "2")) {
            assertEquals(1, cli.awaitExit(START_TIMEOUT));
            assertEquals("hubsim: tier F1 takes exactly 1 unit, not 2\n", cli.stderr());
        }
    }

    @Test
    void helpListsEveryOption() throws Exception {
        try (SimulatorProcess cli = new SimulatorProcess("--help")) {
            String usage = cli.awaitLine("Usage: hubsim", START_TIMEOUT);
            assertTrue(usage.startsWith("Usage: hubsim"));
            assertEquals(0, cli.awaitExit(START_TIMEOUT));
        }
    }
}
