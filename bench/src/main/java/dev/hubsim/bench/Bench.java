package dev.hubsim.bench;

import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.config.HubConfig;
import dev.hubsim.auth.SasTokens;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.registry.SharedAccessPolicy;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The benchmark driver: each figure of the simulator against a stock Artemis baseline in the same run, rounds
 * alternating (the baseline first in every other round), median and spread (min-max) per figure.
 * {@code mvn -B -Pbench -pl bench -am verify -DskipTests}; {@code -Dbench.quick=true} for a short check of the harness,
 * {@code -Dbench.only=d2c,startup,storm,c2d,eventhub,throttle,twin,methods,mqtt} to pick sections.
 */
public final class Bench {
    static final String D2C_QUEUE = "bench.d2c";
    static final String C2D_QUEUE = "bench.c2d";
    static final String FEEDBACK_QUEUE = "bench.feedback";
    static final String EH_QUEUE = "bench.eventhub";
    static final String DEFAULT_SECTIONS = "d2c,startup,storm,c2d,eventhub,throttle,twin,methods,mqtt";

    final boolean quick = Boolean.getBoolean("bench.quick");
    final Set<String> only = Set.of(System.getProperty("bench.only", DEFAULT_SECTIONS).split(","));
    final Path out = Path.of(System.getProperty("bench.out", "target"));
    final Report report = new Report();
    final EventLoopGroup group = new NioEventLoopGroup(2, new io.netty.util.concurrent.DefaultThreadFactory(ServerCpu.CLIENT_THREADS));
    Path dataDir;
    HubSimulator hub;
    BareArtemis bare;
    SSLContext tls;
    Path stormKeyStore;
    String stormKeyStorePassword;

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench();
        try {
            bench.run();
        } finally {
            bench.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.exit(0); // Artemis and WireMock leave non-daemon threads behind
    }

    static void progress(String format, Object... args) {
        System.out.printf("[%s] %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
        System.out.flush();
    }

    void run() throws Exception {
        progress("hubsim bench: %s mode, %d cores, load average %.2f, sections %s", quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(), Report.load(), only);
        dataDir = Files.createTempDirectory("hubsim-bench");
        List<HubConfig.DeviceSpec> devices = IntStream.range(0, 8).mapToObj(i -> new HubConfig.DeviceSpec("bench-" + i, null, null, null))
                .collect(Collectors.toCollection(ArrayList::new));
        devices.add(new HubConfig.DeviceSpec("c2d-device", null, null, null));
        for (String id : List.of(TwinRoundTrip.DEVICE, MethodRoundTrip.DEVICE, MqttBench.DEVICE)) {
            devices.add(new HubConfig.DeviceSpec(id, null, null, null));
        }
        IntStream.range(0, MqttBench.CONNECT_DEVICES).forEach(i -> devices.add(new HubConfig.DeviceSpec("mqtt-" + i, null, null, null)));
        HubConfig config = new HubConfig(HubConfig.DEFAULT_HUB_NAME, HubConfig.DEFAULT_HOST_NAMES, devices, null);
        // Feedback in batches of one: the round trip measures the hub, not the 64-record / 15 s batching.
        // 2,000 events retained per partition keep 16 KB telemetry from filling the heap; trimming is part of the cost.
        hub = HubSimulator.builder().hub(config).dataDir(dataDir.resolve("hub")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .cloudToDevice(C2dSettings.hubDefaults().withFeedbackBatchSize(1)).retainedEvents(2000).start();
        tls = hub.tls().clientContext();
        stormKeyStore = hub.tls().keyStore();
        stormKeyStorePassword = hub.tls().keyStorePassword();
        bare = new BareArtemis(dataDir.resolve("bare"), hub.tls().keyStore(), hub.tls().keyStorePassword(), true,
                List.of(D2C_QUEUE, C2D_QUEUE, FEEDBACK_QUEUE, EH_QUEUE, Storm.TELEMETRY_QUEUE, Storm.C2D_QUEUE, TwinRoundTrip.REQUESTS,
                        TwinRoundTrip.REPLIES, MethodRoundTrip.REQUESTS, MethodRoundTrip.REPLIES), true);
        progress("hub on amqps %d, bare Artemis on amqps %d / amqp %d", hub.amqpsPort(), bare.port(BareArtemis.TLS), bare.port(BareArtemis.TCP));
        try {
            section("d2c", this::d2c);
            section("c2d", () -> new C2dRoundTrip(this).run());
            section("eventhub", this::eventHub);
            section("throttle", () -> new ThrottleBench(this).run());
            section("twin", () -> new TwinRoundTrip(this).run());
            section("methods", () -> new MethodRoundTrip(this).run());
            section("mqtt", () -> new MqttBench(this).run());
            hub.close();
            bare.close();
            section("startup", () -> new Startup(this).run());
            section("storm", () -> new Storm(this).run());
        } finally {
            report.print();
            report.write(out, quick);
            deleteTree(dataDir);
        }
    }

    interface Section {
        void run() throws Exception;
    }

    private void section(String name, Section section) {
        if (!only.contains(name)) {
            return;
        }
        progress("== %s ==", name);
        try {
            section.run();
        } catch (Exception | AssertionError e) {
            progress("section %s failed: %s", name, e);
            e.printStackTrace(System.out);
            report.add(new Report.Figure(name, "FAILED", "", null, null, null, null, String.valueOf(e)));
        }
    }

    // ---------------------------------------------------------------- 1. D2C throughput

    private void d2c() throws Exception {
        int rounds = quick ? 2 : 5;
        for (int size : new int[]{1024, 16 * 1024}) {
            for (int senders : new int[]{1, 8}) {
                // About 1-2 s per round on 2 cores; the same count for hub and baseline.
                int total = quick ? (size == 1024 ? 4000 : 800) : (size == 1024 ? 40_000 : 8_000);
                int perSender = total / senders;
                byte[] encoded = telemetry(size);
                String label = (size / 1024) + " KB, " + senders + (senders == 1 ? " sender" : " senders");
                List<Double> hubRates = new ArrayList<>();
                List<Double> bareRates = new ArrayList<>();
                List<Double> hubCpu = new ArrayList<>();
                List<Double> bareCpu = new ArrayList<>();
                List<Double> hubClientCpu = new ArrayList<>();
                List<Double> bareClientCpu = new ArrayList<>();
                // Warm-up of both paths, not counted: the JIT needs a few rounds (the first figures came out 5x low).
                for (int w = 0; w < (size == 1024 && senders == 1 ? 4 : 1); w++) {
                    d2cRound(true, senders, perSender, encoded);
                    d2cRound(false, senders, perSender, encoded);
                }
                for (int r = 0; r < rounds; r++) {
                    boolean hubFirst = r % 2 == 0;
                    double[] a = d2cRound(hubFirst, senders, perSender, encoded);
                    double[] b = d2cRound(!hubFirst, senders, perSender, encoded);
                    double[] hubRound = hubFirst ? a : b;
                    double[] bareRound = hubFirst ? b : a;
                    hubRates.add(hubRound[0]);
                    bareRates.add(bareRound[0]);
                    hubCpu.add(hubRound[1]);
                    bareCpu.add(bareRound[1]);
                    hubClientCpu.add(hubRound[2]);
                    bareClientCpu.add(bareRound[2]);
                    progress("d2c %s round %d/%d: hub %.0f msg/s %.1f us CPU/msg, Artemis %.0f msg/s %.1f us CPU/msg (load %.2f)", label, r + 1, rounds,
                            hubRound[0], hubRound[1], bareRound[0], bareRound[1], Report.load());
                }
                Report.Stat h = Report.Stat.of(hubRates);
                Report.Stat b = Report.Stat.of(bareRates);
                report.add(new Report.Figure("d2c", label + " (TLS)", "msg/s", h, b, "ratio >= 0.8", h.median() / b.median() >= 0.8,
                        senders * perSender + " unsettled messages per round, settlement tracked; baseline: anycast queue on a stock TLS acceptor"));
                report.add(new Report.Figure("d2c", label + ": broker CPU per message", "us/msg", Report.Stat.of(hubCpu), Report.Stat.of(bareCpu), null, null,
                        "CPU time of the bench JVM's threads but the clients' over the round (ThreadMXBean), per message; load-independent"));
                report.add(new Report.Figure("d2c", label + ": client CPU per message", "us/msg", Report.Stat.of(hubClientCpu),
                        Report.Stat.of(bareClientCpu), null, null, "the same for the sending clients' two event-loop threads"));
            }
        }
    }

    static byte[] telemetry(int size) {
        Message m = Proton.message();
        m.setMessageId("bench-message");
        m.setContentType("application/octet-stream");
        m.setApplicationProperties(new ApplicationProperties(Map.of("temperature", "21.5")));
        m.setBody(new Data(AmqpClient.bytes(size)));
        return AmqpClient.encode(m);
    }

    /**
     * One round: {@code senders} TLS connections, each sends {@code perSender} messages; returns msg/s of all together
     * and the broker's CPU microseconds per message ({@link ServerCpu}).
     */
    double[] d2cRound(boolean toHub, int senders, int perSender, byte[] encoded) throws Exception {
        List<AmqpClient> clients = new ArrayList<>();
        List<BulkSender> bulk = new ArrayList<>();
        try {
            for (int i = 0; i < senders; i++) {
                String device = "bench-" + i;
                AmqpClient c = AmqpClient.connect(group, toHub ? hub.amqpsPort() : bare.port(BareArtemis.TLS), tls, "ANONYMOUS", null, null, 0);
                clients.add(c);
                c.opened.get(10, TimeUnit.SECONDS);
                if (toHub) {
                    c.putDeviceToken(hub, device);
                }
                BulkSender s = new BulkSender(c, encoded, perSender);
                bulk.add(s);
                c.run(() -> s.attach(toHub ? "/devices/" + device + "/messages/events" : D2C_QUEUE));
                s.attached.get(10, TimeUnit.SECONDS);
            }
            long cpu = ServerCpu.nanos();
            long clientCpu = ServerCpu.clientNanos();
            long start = System.nanoTime();
            bulk.forEach(BulkSender::start);
            long end = 0;
            for (BulkSender s : bulk) {
                end = Math.max(end, s.done.get(120, TimeUnit.SECONDS));
                if (s.notAccepted > 0) {
                    throw new IllegalStateException(s.notAccepted + " transfers not accepted");
                }
            }
            double messages = (double) senders * perSender;
            return new double[]{messages / ((end - start) / 1e9), (ServerCpu.nanos() - cpu) / 1e3 / messages,
                    (ServerCpu.clientNanos() - clientCpu) / 1e3 / messages};
        } finally {
            clients.forEach(AmqpClient::close);
            if (!toHub) {
                bare.purge(D2C_QUEUE);
            }
        }
    }

    // ---------------------------------------------------------------- 5. Event Hub read

    private void eventHub() throws Exception {
        int rounds = quick ? 2 : 5;
        int events = quick ? 2000 : 10_000;
        // The hub's partition 0 must hold `events` events: a device that hashes to it, default retention (10,000).
        String device = IntStream.range(0, 1000).mapToObj(i -> "eh-" + i).filter(id -> EventStore.partitionIndex(id, 4) == 0).findFirst().orElseThrow();
        HubConfig config = new HubConfig("ehhub", List.of("127.0.0.1", "localhost"), List.of(new HubConfig.DeviceSpec(device, null, null, null)), null);
        byte[] encoded = telemetry(1024);
        try (HubSimulator eh = HubSimulator.builder().hub(config).dataDir(dataDir.resolve("eh")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).start()) {
            AmqpClient d = AmqpClient.connect(group, eh.amqpsPort(), tls(eh), "ANONYMOUS", null, null, 0);
            d.opened.get(10, TimeUnit.SECONDS);
            d.putDeviceToken(eh, device);
            BulkSender fill = new BulkSender(d, encoded, events);
            d.run(() -> fill.attach("/devices/" + device + "/messages/events"));
            fill.attached.get(10, TimeUnit.SECONDS);
            fill.start();
            fill.done.get(120, TimeUnit.SECONDS);
            d.close();
            progress("eventhub: %d events of 1 KB in partition 0 of the hub", eh.eventHub().retained("0"));
            List<Double> hubRates = new ArrayList<>();
            List<Double> bareRates = new ArrayList<>();
            ehRound(eh, true, events, encoded); // warm-up
            ehRound(eh, false, events, encoded);
            for (int r = 0; r < rounds; r++) {
                boolean hubFirst = r % 2 == 0;
                double a = ehRound(eh, hubFirst, events, encoded);
                double b = ehRound(eh, !hubFirst, events, encoded);
                hubRates.add(hubFirst ? a : b);
                bareRates.add(hubFirst ? b : a);
                progress("eventhub round %d/%d: hub %.0f events/s, Artemis %.0f msg/s (load %.2f)", r + 1, rounds, hubRates.get(r), bareRates.get(r), Report.load());
            }
            report.add(new Report.Figure("eventhub", "read 1 partition, credit 1000 (TLS)", "events/s", Report.Stat.of(hubRates), Report.Stat.of(bareRates),
                    null, null, events + " events of 1 KB from the start of partition 0 per round, accepted one by one; baseline: a receiver draining "
                    + "an anycast queue holding as many messages"));
        }
    }

    private SSLContext tls(HubSimulator sim) {
        return sim.tls().clientContext();
    }

    private double ehRound(HubSimulator eh, boolean fromHub, int events, byte[] encoded) throws Exception {
        if (!fromHub) { // refill the queue, untimed
            AmqpClient f = AmqpClient.connect(group, bare.port(BareArtemis.TLS), tls, "ANONYMOUS", null, null, 0);
            f.opened.get(10, TimeUnit.SECONDS);
            BulkSender fill = new BulkSender(f, encoded, events);
            f.run(() -> fill.attach(EH_QUEUE));
            fill.attached.get(10, TimeUnit.SECONDS);
            fill.start();
            fill.done.get(120, TimeUnit.SECONDS);
            f.close();
        }
        AmqpClient c = AmqpClient.connect(group, fromHub ? eh.amqpsPort() : bare.port(BareArtemis.TLS), fromHub ? tls(eh) : tls, "ANONYMOUS", null, null, 0);
        try {
            c.opened.get(10, TimeUnit.SECONDS);
            String address = EH_QUEUE;
            if (fromHub) {
                String audience = "amqp://" + eh.eventHub().settings().hostName() + "/" + eh.eventHub().settings().name();
                SharedAccessPolicy policy = eh.hub().registry().policy("service").orElseThrow();
                String token = SasTokens.createForEventHubs(audience, policy.primaryKey(), Instant.now().plus(Duration.ofHours(1)), policy.name());
                int status = c.call(() -> c.putToken(audience, token), 10);
                if (status != 200) {
                    throw new IllegalStateException("Event Hub put-token: status " + status);
                }
                address = eh.eventHub().settings().name() + "/ConsumerGroups/$Default/Partitions/0";
            }
            CountingReceiver receiver = new CountingReceiver(events, 1000);
            String source = address;
            long start = System.nanoTime();
            c.run(() -> Links.receiver(c.session(), "bench-reader", Links.source(source), 1000, receiver));
            long end = receiver.done.get(120, TimeUnit.SECONDS);
            return events / ((end - start) / 1e9);
        } finally {
            c.close();
        }
    }

    static double[] sorted(List<Long> values) {
        double[] v = values.stream().mapToDouble(Long::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Best effort: temporary directories of a run (keys, journals) go when it ends. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            progress("could not delete %s: %s", dir, e);
        }
    }
}
