package dev.hubsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.HubSimulator;
import dev.hubsim.SimulatorInfo;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.twin.AmqpTwinLinkTest;
import dev.hubsim.twin.TwinState;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twins and modules with {@code --persistent} across SIGKILL: a device patches its reported properties over AMQP and a
 * service patches desired ones over REST, back to back, a module is created and its twin patched meanwhile; the
 * process is killed mid-stream and restarted on the same data directory. Every patch the hub answered (204 over AMQP,
 * 200 over REST) is in the twin, no patch is half there (each writes two keys), the versions count exactly the
 * patches applied, and the module is there with its key and its twin.
 */
class TwinKillNineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "name: simhub\nhostNames: [127.0.0.1, localhost]\ndevices:\n  - deviceId: device1\n";
    /** Picks how many patches are answered before the kill; printed, and replayed with -Dhubsim.kill9.seed. */
    private static final long SEED = Long.getLong("hubsim.kill9.seed", System.nanoTime());
    /** The desired patch after which the module is created. */
    private static final int MODULE_AFTER = 5;

    /** One stream of patches: how many were sent, the last one answered, the highest version an answer carried. */
    private static final class Stream {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger lastAnswered = new AtomicInteger(-1);
        final AtomicLong version = new AtomicLong();
        final AtomicReference<Throwable> end = new AtomicReference<>();

        Thread run(String name, PatchCall call) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        sent.set(i + 1);
                        long answered = call.patch(i);
                        if (answered < 0) {
                            throw new AssertionError(name + " patch " + i + " refused: " + (-answered));
                        }
                        version.set(answered);
                        lastAnswered.set(i);
                        progressed();
                    }
                } catch (Throwable e) {
                    end.set(e); // the kill ends every stream
                    progressed();
                }
            }, "twin-kill9-" + name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    @FunctionalInterface
    private interface PatchCall {
        /** Sends patch {@code i}; the version the answer carries, or minus the status of a refusal. */
        long patch(int i) throws Exception;
    }

    private static String patch(String prefix, int i) {
        return "{\"" + prefix + i + "\":" + i + ",\"" + prefix + i + "x\":\"" + i + "\"}";
    }

    @Test
    void everyAnsweredTwinPatchAndModuleSurvivesAKill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, CONFIG);
        Stream reported = new Stream();
        Stream desired = new Stream();
        AtomicReference<String> moduleKey = new AtomicReference<>();
        AtomicInteger moduleTwinPatched = new AtomicInteger();
        int killAfter = new Random(SEED).nextInt(10) + MODULE_AFTER + 2;
        long streamMillis;
        long restFaceMillis;
        long started = System.nanoTime();
        try (SimulatorProcess cli = KillNineTest.start(config, data, dir.resolve("info-1.json"))) {
            SimulatorInfo info = SimulatorInfo.readFrom(dir.resolve("info-1.json"));
            long warm = System.nanoTime();
            // The REST face starts on its first request: both streams then run together from their start.
            assertEquals(200, KillNineTest.registry(info, "GET", "/twins/device1", null).statusCode());
            restFaceMillis = (System.nanoTime() - warm) / 1_000_000;
            long streamStarted = System.nanoTime();
            AmqpTestClient device = KillNineTest.device(info, "device1", KillNineTest.key(info, "device1"));
            AmqpTwinLinkTest.Channel twin = AmqpTwinLinkTest.open(device, "/devices/device1/twin");
            Thread amqp = reported.run("reported", i -> {
                Message answer = twin.call("PATCH", "/properties/reported", "r-" + i, patch("r", i));
                int status = (Integer) AmqpTwinLinkTest.annotation(answer, "status");
                return status == 204 ? (Long) AmqpTwinLinkTest.annotation(answer, "version") : -status;
            });
            Thread rest = desired.run("desired", i -> {
                if (i == MODULE_AFTER) {
                    createModule(info, moduleKey, moduleTwinPatched);
                }
                HttpResponse<String> r = KillNineTest.registry(info, "PATCH", "/twins/device1", "{\"properties\":{\"desired\":" + patch("d", i) + "}}");
                return r.statusCode() == 200 ? JSON.readTree(r.body()).path("version").asLong() : -r.statusCode();
            });
            await("both streams past patch " + killAfter + " and the module's twin patched", () -> reported.lastAnswered.get() >= killAfter
                    && desired.lastAnswered.get() >= killAfter && moduleTwinPatched.get() == 1 || reported.end.get() != null || desired.end.get() != null);
            assertEquals(null, reported.end.get(), "the reported stream ended before the kill");
            assertEquals(null, desired.end.get(), "the desired stream ended before the kill");
            streamMillis = (System.nanoTime() - streamStarted) / 1_000_000;
            cli.kill();
            amqp.interrupt(); // an AMQP wait does not end with the socket
            amqp.join(10_000);
            rest.join(10_000);
            device.close();
        }

        // Restarted in this JVM on the same data directory: the same recovery as the CLI's, without a second JVM and
        // REST face to start.
        long restarted = System.nanoTime();
        try (HubSimulator hub = HubSimulator.builder().configFile(config).dataDir(data).persistent(true)
                .amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).start()) {
            long restartMillis = (System.nanoTime() - restarted) / 1_000_000;
            TwinState twin = hub.twins().get("device1");
            int appliedReported = applied(twin.reported(), "r", reported);
            int appliedDesired = applied(twin.desired(), "d", desired);
            assertEquals(1 + appliedReported, twin.reportedVersion(), "one reported version per applied patch");
            assertEquals(1 + appliedDesired, twin.desiredVersion(), "one desired version per applied patch");
            assertEquals(1 + appliedReported + appliedDesired, twin.version(), "one twin version per applied patch");
            assertTrue(twin.reportedVersion() >= reported.version.get(), "the last answered reported version");
            assertTrue(twin.version() >= desired.version.get(), "the last answered twin version");

            assertTrue(hub.moduleConnectionString("device1", "killed").endsWith("SharedAccessKey=" + moduleKey.get()),
                    "the module created before the kill, with its key: " + hub.moduleConnectionString("device1", "killed"));
            assertEquals(1, hub.twins().get("device1", "killed").desired().path("m").asInt(), "the module's twin");
            System.out.printf("twin kill -9 (seed %d): REST face up in %d ms, killed %d ms into the streams after %d reported patches answered (%d sent, %d applied) and %d desired "
                    + "(%d sent, %d applied); restart to ready %d ms; %d ms in all%n", SEED, restFaceMillis, streamMillis, reported.lastAnswered.get() + 1, reported.sent.get(),
                    appliedReported, desired.lastAnswered.get() + 1, desired.sent.get(), appliedDesired, restartMillis, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * How many of the stream's patches the section holds: each answered one whole, the rest a whole prefix of those
     * sent after (patches on one channel apply in order), none half.
     */
    private static int applied(JsonNode section, String prefix, Stream stream) {
        int applied = 0;
        while (section.has(prefix + applied)) {
            assertEquals(applied, section.path(prefix + applied).asInt());
            assertEquals(String.valueOf(applied), section.path(prefix + applied + "x").asText(), "patch " + prefix + applied + " is whole");
            applied++;
        }
        for (int i = applied; i < stream.sent.get() + 1; i++) {
            assertTrue(!section.has(prefix + i) && !section.has(prefix + i + "x"), "patch " + prefix + i + " applied after a gap or half");
        }
        assertTrue(applied > stream.lastAnswered.get(), "patch " + prefix + stream.lastAnswered.get() + " was answered but only " + applied
                + " are applied (section $version " + section.path("$version") + ")");
        assertTrue(applied <= stream.sent.get(), applied + " applied of " + stream.sent.get() + " sent");
        return applied;
    }

    private static void createModule(SimulatorInfo info, AtomicReference<String> key, AtomicInteger twinPatched) throws Exception {
        HttpResponse<String> created = KillNineTest.registry(info, "PUT", "/devices/device1/modules/killed", "{\"deviceId\":\"device1\",\"moduleId\":\"killed\"}");
        assertEquals(200, created.statusCode(), created.body());
        key.set(JSON.readTree(created.body()).path("authentication").path("symmetricKey").path("primaryKey").asText());
        HttpResponse<String> patched = KillNineTest.registry(info, "PATCH", "/twins/device1/modules/killed", "{\"properties\":{\"desired\":{\"m\":1}}}");
        assertEquals(200, patched.statusCode(), patched.body());
        twinPatched.set(1);
    }

    /** Wakes {@link #await} at every answer and at the end of a stream. */
    private static final Object PROGRESS = new Object();

    private static void progressed() {
        synchronized (PROGRESS) {
            PROGRESS.notifyAll();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        synchronized (PROGRESS) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within 60 s: " + what);
                }
                PROGRESS.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
