package dev.hubsim.bench;

import dev.hubsim.HubSimulator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 2. Start-up. Cold: a fresh JVM running the CLI ({@code dev.hubsim.cli.SimulatorCommand}, ports 0, a data directory
 * whose keys and certificate already exist, as on every start after the first) from process start to its ready line,
 * against a fresh JVM starting a bare embedded Artemis with one plain AMQP acceptor ({@link BareArtemis#main}). Both
 * on this bench's class path with no class-data archive. Warm: a further simulator started in this JVM (the JUnit
 * extension path) against a further bare Artemis in this JVM.
 */
final class Startup {
    private final Bench bench;

    Startup(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        Path dir = Files.createTempDirectory("hubsim-bench-startup");
        int coldRounds = Integer.getInteger("bench.startup.coldRounds", bench.quick ? 1 : 5);
        int warmRounds = Integer.getInteger("bench.startup.warmRounds", bench.quick ? 3 : 10);
        String classpath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cli = List.of(java, "-cp", classpath, "dev.hubsim.cli.SimulatorCommand", "--amqps-port", "0", "--mqtts-port", "0", "--amqp-port", "0",
                "--https-port", "0", "--data-dir", dir.resolve("cli").toString());
        List<String> bareCmd = List.of(java, "-cp", classpath, "dev.hubsim.bench.BareArtemis");
        // First CLI run makes the CA and keys; not counted (later starts find them).
        if (coldRounds > 0) {
            spawn(cli, "hubsim ready in", dir);
            spawn(bareCmd, "bare artemis ready", dir);
        }
        List<Double> hubCold = new ArrayList<>();
        List<Double> bareCold = new ArrayList<>();
        for (int r = 0; r < coldRounds; r++) {
            boolean hubFirst = r % 2 == 0;
            double a = spawn(hubFirst ? cli : bareCmd, hubFirst ? "hubsim ready in" : "bare artemis ready", dir);
            double b = spawn(hubFirst ? bareCmd : cli, hubFirst ? "bare artemis ready" : "hubsim ready in", dir);
            hubCold.add(hubFirst ? a : b);
            bareCold.add(hubFirst ? b : a);
            Bench.progress("startup cold round %d/%d: CLI %.0f ms, bare Artemis %.0f ms (load %.2f)", r + 1, coldRounds, hubCold.get(r), bareCold.get(r), Report.load());
        }
        Report.Stat hc = Report.Stat.of(hubCold);
        if (coldRounds > 0) {
            bench.report.add(new Report.Figure("startup", "cold: process start to ready", "ms", hc, Report.Stat.of(bareCold), "<= 1500 ms", hc.median() <= 1500,
                    "spawned JVMs, default flags, no AppCDS archive (./hubsim adds one); hub: CLI with TLS, plain and HTTPS ports 0; baseline: one plain AMQP acceptor"));
        }

        // Warm: the first in-process start of each loads their classes; not counted.
        warmHub(dir);
        warmBare(dir);
        List<Double> hubWarm = new ArrayList<>();
        List<Double> bareWarm = new ArrayList<>();
        for (int r = 0; r < warmRounds; r++) {
            boolean hubFirst = r % 2 == 0;
            double a = hubFirst ? warmHub(dir) : warmBare(dir);
            double b = hubFirst ? warmBare(dir) : warmHub(dir);
            hubWarm.add(hubFirst ? a : b);
            bareWarm.add(hubFirst ? b : a);
            Bench.progress("startup warm round %d/%d: simulator %.1f ms, bare Artemis %.1f ms", r + 1, warmRounds, hubWarm.get(r), bareWarm.get(r));
        }
        Bench.deleteTree(dir);
        Report.Stat hw = Report.Stat.of(hubWarm);
        bench.report.add(new Report.Figure("startup", "warm: a further one in the same JVM", "ms", hw, Report.Stat.of(bareWarm), "<= 25 ms", hw.median() <= 25,
                "HubSimulator.builder()...start() with ports 0 and an existing data directory, until listening; baseline: BareArtemis with one plain acceptor"));
    }

    private double warmHub(Path dir) {
        long t0 = System.nanoTime();
        HubSimulator sim = HubSimulator.builder().dataDir(dir.resolve("warm")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).start();
        double ms = (System.nanoTime() - t0) / 1e6;
        sim.close();
        return ms;
    }

    private double warmBare(Path dir) throws Exception {
        long t0 = System.nanoTime();
        BareArtemis broker = new BareArtemis(Files.createTempDirectory(dir, "bare"), null, null, true, List.of());
        double ms = (System.nanoTime() - t0) / 1e6;
        broker.close();
        return ms;
    }

    /** Spawns a JVM and returns ms from start to the line containing {@code ready}; stops the process. */
    static double spawn(List<String> command, String ready, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("spawn-stderr.log").toFile());
        long t0 = System.nanoTime();
        Process process = pb.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains(ready)) {
                    return (System.nanoTime() - t0) / 1e6;
                }
            }
            throw new IllegalStateException("'" + String.join(" ", command.subList(3, command.size())) + "' ended before '" + ready + "'; see "
                    + dir.resolve("spawn-stderr.log"));
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
