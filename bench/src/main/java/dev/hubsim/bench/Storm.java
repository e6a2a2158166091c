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
 * 3. Connection storm: N devices connect over TLS from two client event-loop threads (Netty, Proton-J transports),
 * at most {@link #IN_FLIGHT} handshakes at a time; each does SASL ANONYMOUS, a CBS put-token on a session of its own,
 * then attaches its telemetry sender and C2D receiver. Baseline: the same number of TLS connections to stock Artemis,
 * each with a sender and a receiver on anycast queues. The broker runs in a JVM of its own with -Xmx1g; its heap after
 * GC is read before and after the storm.
 */
final class Storm {
    static final String TELEMETRY_QUEUE = "bench.storm.telemetry";
    static final String C2D_QUEUE = "bench.storm.c2d";
    /** Handshakes in flight: enough to keep both cores busy, few enough that none waits long in the accept backlog. */
    static final int IN_FLIGHT = 200;
    private final Bench bench;

    Storm(Bench bench) {
        this.bench = bench;
    }

    static String deviceId(int i) {
        return "storm-" + i;
    }

    void run() throws Exception {
        int[] sizes = bench.quick ? new int[]{100, 1000} : new int[]{1000, 10_000};
        int rounds = bench.quick ? 1 : 3;
        int frameSize = Integer.getInteger("bench.storm.maxFrameSize", 0);
        for (int n : sizes) {
            List<Double> hubTime = new ArrayList<>();
            List<Double> bareTime = new ArrayList<>();
            List<Double> hubHeap = new ArrayList<>();
            List<Double> bareHeap = new ArrayList<>();
            List<Double> hubPer = new ArrayList<>();
            List<Double> barePer = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean hubFirst = r % 2 == 0;
                for (boolean hub : new boolean[]{hubFirst, !hubFirst}) {
                    double[] result = round(hub, n, frameSize);
                    (hub ? hubTime : bareTime).add(result[0]);
                    (hub ? hubHeap : bareHeap).add(result[1] / (1024 * 1024));
                    (hub ? hubPer : barePer).add(result[2] / 1024);
                    Bench.progress("storm %d round %d/%d %s: %.0f ms to all connected, heap after GC %.0f MiB, %.1f KiB per connection (load %.2f)",
                            n, r + 1, rounds, hub ? "hub" : "Artemis", result[0], result[1] / (1024 * 1024), result[2] / 1024, Report.load());
                }
            }
            String frame = frameSize > 0 ? frameSize + " B" : "Artemis' default 131072 B";
            Report.Stat t = Report.Stat.of(hubTime);
            Report.Stat heap = Report.Stat.of(hubHeap);
            Report.Stat per = Report.Stat.of(hubPer);
            boolean big = n >= 10_000;
            bench.report.add(new Report.Figure("storm", n + " devices: time to all connected (TLS)", "ms", t, Report.Stat.of(bareTime),
                    big ? "<= 10000 ms" : null, big ? t.median() <= 10_000 : null, "max frame size " + frame + "; " + IN_FLIGHT + " handshakes in flight, 2 client threads"));
            bench.report.add(new Report.Figure("storm", n + " devices: broker heap after GC", "MiB", heap, Report.Stat.of(bareHeap),
                    big ? "<= 1024 MiB" : null, big ? heap.max() <= 1024 : null, "broker JVM -Xmx1g"));
            bench.report.add(new Report.Figure("storm", n + " devices: heap per connection", "KiB", per, Report.Stat.of(barePer),
                    big ? "<= 100 KB" : null, big ? per.median() * 1024 <= 100_000 : null, "(heap after storm - heap before) / N"));
        }
    }

    /** One storm against a fresh broker process; returns {ms to all connected, heap after GC, heap per connection}. */
    private double[] round(boolean hub, int n, int frameSize) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), StormServer.class.getName(),
                hub ? "hub" : "bare", Integer.toString(n), Integer.toString(frameSize), bench.stormKeyStore.toString(), bench.stormKeyStorePassword)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process server = pb.start();
        List<AmqpClient> clients = new ArrayList<>(n);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            PrintStream in = new PrintStream(server.getOutputStream(), true, StandardCharsets.UTF_8);
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new IllegalStateException("storm server did not start: " + ready);
            }
            int port = Integer.parseInt(ready.split(" ")[1]);
            in.println("heap");
            long before = Long.parseLong(out.readLine().split(" ")[1]);
            SSLContext tls = bench.tls;
            Semaphore slots = new Semaphore(IN_FLIGHT);
            CountDownLatch connected = new CountDownLatch(n);
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            Instant expiry = Instant.now().plusSeconds(3600);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no handshake finished within 60 s; " + (n - connected.getCount()) + " connected");
                }
                String device = deviceId(i);
                String token = hub ? SasTokens.create("127.0.0.1/devices/" + device, StormServer.DEVICE_KEY, expiry, null) : null;
                AmqpClient c = AmqpClient.connect(bench.group, port, tls, "ANONYMOUS", null, null, 0);
                clients.add(c);
                CompletableFuture<Void> done = c.opened.thenCompose(client -> {
                    CompletableFuture<Integer> status = new CompletableFuture<>();
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
                    c.run(() -> {
                        var session = c.session();
                        AmqpClient.sender(session, "telemetry", hub ? "/devices/" + device + "/messages/events" : TELEMETRY_QUEUE,
                                AmqpClient.attachWatcher(telemetry, null));
                        AmqpClient.receiver(session, "c2d", AmqpClient.source(hub ? "/devices/" + device + "/messages/devicebound" : C2D_QUEUE), 1,
                                AmqpClient.attachWatcher(c2d, null));
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
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " of " + n + " devices failed; first: " + firstFailure.get());
            }
            in.println("heap");
            long after = Long.parseLong(out.readLine().split(" ")[1]);
            in.close();
            return new double[]{ms, after, (double) (after - before) / n};
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
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
