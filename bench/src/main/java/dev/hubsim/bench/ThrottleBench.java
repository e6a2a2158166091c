package dev.hubsim.bench;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.ThrottleSettings;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.throttling.Tier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throttling (issue 20): what the rate check costs per message (the check alone, and device-to-cloud throughput with
 * a tier whose rate is never reached against the same hub without one), and the sustained device-to-cloud rate an
 * S1 x 1 hub serves against its documented 100/s.
 */
final class ThrottleBench {
    private final Bench bench;

    ThrottleBench(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        checkAlone();
        throughputWithAndWithout();
        sustainedS1();
    }

    /** ns per admit() call: throttling off vs S3 x 10 (60,000/s), inside the burst and backlog so every call is served. */
    private void checkAlone() {
        int calls = 300_000;
        int rounds = bench.quick ? 5 : 20;
        Throttling off = new Throttling(ThrottleSettings.OFF, Clock.systemUTC());
        Throttling on = new Throttling(ThrottleSettings.of(Tier.S3, 10), Clock.systemUTC());
        long sink = 0;
        for (int w = 0; w < 5; w++) {
            sink += admitLoop(off, calls) + admitLoop(on, calls);
        }
        List<Double> offNs = new ArrayList<>();
        List<Double> onNs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sink += admitLoop(off, calls);
            long t1 = System.nanoTime();
            sink += admitLoop(on, calls);
            long t2 = System.nanoTime();
            offNs.add((t1 - t0) / (double) calls);
            onNs.add((t2 - t1) / (double) calls);
        }
        Bench.progress("throttle check: off %.1f ns, S3 x 10 %.1f ns per call (sink %d)", Report.Stat.of(offNs).median(),
                Report.Stat.of(onNs).median(), sink);
        bench.report.add(new Report.Figure("throttle", "rate check per message, tier S3 x 10 (baseline: throttling off)", "ns",
                Report.Stat.of(onNs), Report.Stat.of(offNs), "within 50 ns of off", Report.Stat.of(onNs).median() - Report.Stat.of(offNs).median() < 50,
                calls + " calls of Throttling.admit per round, one thread; every call served (within burst and backlog)"));
    }

    private static long admitLoop(Throttling throttling, int calls) {
        throttling.reset();
        long sum = 0;
        for (int i = 0; i < calls; i++) {
            sum += throttling.admit(Operation.D2C_SEND, "bench-0", 1, 1024);
        }
        return sum;
    }

    /** D2C 1 KB, one sender over TLS: the bench hub (no tier) against a hub with S3 x 10, rounds alternating. */
    private void throughputWithAndWithout() throws Exception {
        HubSimulator plain = bench.hub;
        HubSimulator tiered = start(ThrottleSettings.of(Tier.S3, 10).withBacklog(60, Duration.ofMinutes(5)));
        int rounds = bench.quick ? 2 : 5;
        int total = bench.quick ? 4000 : 40_000;
        byte[] encoded = Bench.telemetry(1024);
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        try {
            for (int r = -2; r < rounds; r++) {
                boolean tieredFirst = r % 2 == 0;
                double a = round(tieredFirst ? tiered : plain, total, encoded);
                double b = round(tieredFirst ? plain : tiered, total, encoded);
                if (r >= 0) {
                    on.add(tieredFirst ? a : b);
                    off.add(tieredFirst ? b : a);
                    Bench.progress("throttle d2c round %d/%d: S3 x 10 %.0f msg/s, off %.0f msg/s", r + 1, rounds, on.get(on.size() - 1), off.get(off.size() - 1));
                }
                tiered.reset();
            }
        } finally {
            bench.hub = plain;
            tiered.close();
        }
        Report.Stat h = Report.Stat.of(on);
        Report.Stat b = Report.Stat.of(off);
        bench.report.add(new Report.Figure("throttle", "d2c 1 KB, 1 sender, tier S3 x 10 (baseline: the same hub without a tier)", "msg/s",
                h, b, "ratio >= 0.9", h.median() / b.median() >= 0.9,
                total + " messages per round; S3 x 10 allows 60,000/s, so the check runs on every message and never waits"));
    }

    private double round(HubSimulator target, int total, byte[] encoded) throws Exception {
        bench.hub = target;
        return bench.d2cRound(true, 1, total, encoded)[0];
    }

    /** S1 x 1 (100/s, burst 100, backlog 5 s): a sender offering far more; Accepted past the burst per second. */
    private void sustainedS1() throws Exception {
        HubSimulator s1 = start(ThrottleSettings.of(Tier.S1, 1));
        // One hub's TLS material in the data directory: the bench's client context trusts it.
        int rounds = bench.quick ? 1 : 3;
        List<Double> rates = new ArrayList<>();
        try {
            for (int r = 0; r < rounds; r++) {
                s1.reset();
                AmqpClient c = AmqpClient.connect(bench.group, s1.amqpsPort(), bench.tls, "ANONYMOUS", null, null, 0);
                try {
                    c.opened.get(10, TimeUnit.SECONDS);
                    c.putDeviceToken(s1, "bench-0");
                    int total = 3000;
                    BulkSender s = new BulkSender(c, Bench.telemetry(1024), total);
                    c.run(() -> s.attach("/devices/bench-0/messages/events"));
                    s.attached.get(10, TimeUnit.SECONDS);
                    long start = System.nanoTime();
                    s.start();
                    long end = s.done.get(60, TimeUnit.SECONDS);
                    int accepted = total - s.notAccepted;
                    double rate = (accepted - 100) / ((end - start) / 1e9);
                    rates.add(rate);
                    Bench.progress("throttle S1 x 1: %d of %d Accepted, %d throttled, %.1f msg/s past the burst", accepted, total, s.notAccepted, rate);
                } finally {
                    c.close();
                }
            }
        } finally {
            s1.close();
        }
        bench.report.add(new Report.Figure("throttle", "sustained d2c rate, tier S1 x 1 (documented: 100/s)", "msg/s",
                Report.Stat.of(rates), null, "within 5% of 100", Math.abs(Report.Stat.of(rates).median() - 100) <= 5,
                "3,000 x 1 KB offered at once; (Accepted - the 100 burst) / time to the last Accepted; the rest Rejected 429002"));
    }

    private HubSimulator start(ThrottleSettings settings) {
        return HubSimulator.builder().hub(new HubConfig(HubConfig.DEFAULT_HUB_NAME, HubConfig.DEFAULT_HOST_NAMES,
                        List.of(new HubConfig.DeviceSpec("bench-0", null, null, null)), null))
                .dataDir(bench.dataDir.resolve("hub")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .throttling(settings).start();
    }
}
