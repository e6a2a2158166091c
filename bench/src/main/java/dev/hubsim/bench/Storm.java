package dev.hubsim.bench;

import dev.hubsim.auth.SasTokens;
import org.apache.qpid.proton.engine.Link;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * 3. Connection storm: N devices connect (plain TCP or TLS) from two client event-loop threads (Netty, Proton-J transports),
 * at most {@link #IN_FLIGHT} handshakes at a time; each does SASL ANONYMOUS, a CBS put-token on a session of its own,
 * then attaches its telemetry sender and C2D receiver. Baseline: the same number of TLS connections to stock Artemis,
 * each with a sender and a receiver on anycast queues. The broker runs in a fresh JVM of its own with -Xmx1g; its heap after
 * GC is read before and after the storm.
 */
final class Storm {
    static final String TELEMETRY_QUEUE = "bench.storm.telemetry";
    static final String C2D_QUEUE = "bench.storm.c2d";
    /**
     * Devices connecting at once: enough to keep both cores busy, few enough that on a loaded 2-core machine no
     * connection waits past Artemis' 10 s handshake timeout (with 200 at once, TLS connections were dropped).
     */
    static final int IN_FLIGHT = 64;
    /**
     * The broker's max frame size for the storm: the hub's shipped default (the hub runs at its defaults, the figure
     * the issue asks for), and the same for bare Artemis, whose own default of 128 KiB costs about 300 KB of heap per
     * idle connection (Proton-J sizes a connection's input and output buffers by it). {@code -Dbench.storm.maxFrameSize}
     * sets both.
     */
    static final int FRAME_SIZE = dev.hubsim.HubSimulator.DEFAULT_MAX_FRAME_SIZE;
    /** The clients' own frame size: 10,000 of them share this JVM's heap. */
    static final int CLIENT_FRAME_SIZE = 16 * 1024;
    private final Bench bench;

    Storm(Bench bench) {
        this.bench = bench;
    }

    static String deviceId(int i) {
        return "storm-" + i;
    }

    /** One storm configuration: how many devices, over TLS or plain TCP. */
    private record Config(int devices, boolean tls) {
    }

    void run() throws Exception {
        // The headline over plain AMQP (the simulator's 5672 face behaves like its TLS one), so the figure is the
        // hub's own cost rather than 10,000 TLS handshakes on a cold JVM; 1,000 over TLS shows what TLS adds.
        List<Config> configs = bench.quick ? List.of(new Config(100, false), new Config(1000, false), new Config(100, true))
                : List.of(new Config(1000, false), new Config(10_000, false), new Config(1000, true));
        String chosen = System.getProperty("bench.storm.configs"); // e.g. 10000:tcp,1000:tls
        if (chosen != null) {
            configs = java.util.Arrays.stream(chosen.split(",")).map(c -> c.split(":"))
                    .map(c -> new Config(Integer.parseInt(c[0]), c[1].equalsIgnoreCase("tls"))).toList();
        }
        int rounds = Integer.getInteger("bench.storm.rounds", bench.quick ? 1 : 3);
        int frameSize = Integer.getInteger("bench.storm.maxFrameSize", 0);
        for (Config config : configs) {
            int n = config.devices();
            String transport = config.tls() ? "TLS" : "TCP";
            List<Double> hubTime = new ArrayList<>();
            List<Double> bareTime = new ArrayList<>();
            List<Double> hubHeap = new ArrayList<>();
            List<Double> bareHeap = new ArrayList<>();
            List<Double> hubPer = new ArrayList<>();
            List<Double> barePer = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean hubFirst = r % 2 == 0;
                for (boolean hub : new boolean[]{hubFirst, !hubFirst}) {
                    double[] result;
                    try {
                        result = round(hub, n, config.tls(), frameSize);
                    } catch (Exception e) { // one side failing must not hide the other's figures
                        Bench.progress("storm %d %s round %d/%d %s FAILED: %s", n, transport, r + 1, rounds, hub ? "hub" : "Artemis", e);
                        bench.report.add(new Report.Figure("storm", n + " devices (" + transport + "), " + (hub ? "hub" : "Artemis") + " round " + (r + 1),
                                "", null, null, null, null, "FAILED: " + e));
                        continue;
                    }
                    (hub ? hubTime : bareTime).add(result[0]);
                    (hub ? hubHeap : bareHeap).add(result[1] / (1024 * 1024));
                    (hub ? hubPer : barePer).add(result[2] / 1024);
                    Bench.progress("storm %d %s round %d/%d %s: %.0f ms to all connected, heap after GC %.0f MiB, %.1f KiB per connection (load %.2f)",
                            n, transport, r + 1, rounds, hub ? "hub" : "Artemis", result[0], result[1] / (1024 * 1024), result[2] / 1024, Report.load());
                }
            }
            String frame = frameSize > 0 ? frameSize + " B on both" : "the hub's default " + FRAME_SIZE + " B on both";
            Report.Stat t = Report.Stat.of(hubTime);
            Report.Stat heap = Report.Stat.of(hubHeap);
            Report.Stat per = Report.Stat.of(hubPer);
            boolean goal = n >= 10_000;
            bench.report.add(new Report.Figure("storm", n + " devices: time to all connected (" + transport + ")", "ms", t, Report.Stat.of(bareTime),
                    goal ? "<= 10000 ms" : null, goal ? t.median() <= 10_000 : null,
                    "broker max frame size " + frame + "; fresh broker JVM per round; " + IN_FLIGHT + " connections in flight, 2 client threads"));
            bench.report.add(new Report.Figure("storm", n + " devices: broker heap after GC (" + transport + ")", "MiB", heap, Report.Stat.of(bareHeap),
                    goal ? "<= 1024 MiB" : null, goal ? heap.max() <= 1024 : null, "broker JVM -Xmx1g"));
            bench.report.add(new Report.Figure("storm", n + " devices: heap per connection (" + transport + ")", "KiB", per, Report.Stat.of(barePer),
                    goal ? "<= 100 KB" : null, goal ? per.median() * 1024 <= 100_000 : null, "(heap after the storm - heap before) / N, after GC"));
        }
    }

    /** One storm against a fresh broker process; returns {ms to all connected, heap after GC, heap per connection}. */
    private double[] round(boolean hub, int n, boolean useTls, int frameSize) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
        // e.g. -Dbench.storm.serverJvmArgs=-XX:StartFlightRecording=filename=/tmp/storm-%n.jfr to profile the broker
        String extra = System.getProperty("bench.storm.serverJvmArgs", "").trim().replace("%n", Long.toString(System.nanoTime()));
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split(" +")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StormServer.class.getName(),
                hub ? "hub" : "bare", Integer.toString(n), Integer.toString(frameSize), bench.stormKeyStore.toString(), bench.stormKeyStorePassword));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process server = pb.start();
        List<AmqpClient> clients = new ArrayList<>(n);
        Path serverDir = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            PrintStream in = new PrintStream(server.getOutputStream(), true, StandardCharsets.UTF_8);
            String ready = out.readLine();
            while (ready != null && !ready.startsWith("ready ")) { // JVM chatter (e.g. JFR's start-up lines) comes first
                ready = out.readLine();
            }
            if (ready == null) {
                throw new IllegalStateException("storm server did not start: " + ready);
            }
            int port = Integer.parseInt(ready.split(" ")[useTls ? 1 : 2]);
            serverDir = Path.of(ready.split(" ", 4)[3]);
            in.println("heap");
            long before = Long.parseLong(out.readLine().split(" ")[1]);
            SSLContext tls = useTls ? bench.tls : null;
            Semaphore slots = new Semaphore(IN_FLIGHT);
            CountDownLatch connected = new CountDownLatch(n);
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            Instant expiry = Instant.now().plusSeconds(3600);
            java.util.concurrent.atomic.AtomicLong[] phases = {new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong(),
                    new java.util.concurrent.atomic.AtomicLong()};
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no handshake finished within 60 s; " + (n - connected.getCount()) + " connected");
                }
                String device = deviceId(i);
                String token = hub ? SasTokens.create("127.0.0.1/devices/" + device, StormServer.DEVICE_KEY, expiry, null) : null;
                AmqpClient c = AmqpClient.connect(bench.group, port, tls, "ANONYMOUS", null, null, CLIENT_FRAME_SIZE);
                clients.add(c);
                long t0 = System.nanoTime();
                CompletableFuture<Void> done = c.opened.thenCompose(client -> {
                    phases[0].addAndGet(System.nanoTime() - t0);
                    long t1 = System.nanoTime();
                    CompletableFuture<Integer> status = new CompletableFuture<>();
                    status.thenRun(() -> phases[1].addAndGet(System.nanoTime() - t1));
                    if (hub) {
                        c.run(() -> c.putToken("127.0.0.1/devices/" + device, token).whenComplete((s, e) -> {
                            if (e != null) {
                                status.completeExceptionally(e);
                            } else {
                                status.complete(s);
                            }
                        }));
                    } else {
                        status.complete(200);
                    }
                    return status;
                }).thenCompose(status -> {
                    if (status != 200) {
                        throw new IllegalStateException("put-token status " + status);
                    }
                    CompletableFuture<Link> telemetry = new CompletableFuture<>();
                    CompletableFuture<Link> c2d = new CompletableFuture<>();
                    long t2 = System.nanoTime();
                    c2d.thenRun(() -> phases[2].addAndGet(System.nanoTime() - t2));
                    c.run(() -> {
                        var session = c.session();
                        Links.sender(session, "telemetry", hub ? "/devices/" + device + "/messages/events" : TELEMETRY_QUEUE,
                                Links.attachWatcher(telemetry, null));
                        Links.receiver(session, "c2d", Links.source(hub ? "/devices/" + device + "/messages/devicebound" : C2D_QUEUE), 1,
                                Links.attachWatcher(c2d, null));
                    });
                    return CompletableFuture.allOf(telemetry, c2d);
                });
                done.whenComplete((v, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                    connected.countDown();
                    slots.release();
                });
            }
            if (!connected.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("storm of " + n + " not done within 120 s: " + connected.getCount() + " left");
            }
            double ms = (System.nanoTime() - start) / 1e6;
            // Where a device's time goes, on average: helps tell handshakes from the hub's own work.
            Bench.progress("  per device: connect+SASL+open %.1f ms, CBS put-token %.1f ms, link pair %.1f ms", phases[0].get() / 1e6 / n,
                    phases[1].get() / 1e6 / n, phases[2].get() / 1e6 / n);
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " of " + n + " devices failed; first: " + firstFailure.get());
            }
            in.println("heap");
            long after = Long.parseLong(out.readLine().split(" ")[1]);
            String histogramDir = System.getProperty("bench.storm.histogram");
            if (histogramDir != null) { // what the broker's heap holds with every device connected
                Path file = Path.of(histogramDir, "storm-" + (hub ? "hub" : "bare") + "-" + n + (useTls ? "-tls" : "-tcp") + ".histo.txt");
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(server.pid()), "GC.class_histogram")
                        .redirectOutput(file.toFile()).start().waitFor(60, TimeUnit.SECONDS);
            }
            in.close();
            return new double[]{ms, after, (double) (after - before) / n};
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            Bench.deleteTree(serverDir);
            for (AmqpClient c : clients) {
                c.close();
            }
            for (AmqpClient c : clients) {
                try {
                    c.closed.get(30, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // gone either way
                }
            }
        }
    }
}
