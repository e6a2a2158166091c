package dev.hubsim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The round-trip times of one request kind, hub against baseline: per round p50, p99 and max (their median and spread
 * go into the report), and all times pooled, on which the goal is judged.
 */
final class Latencies {
    private final String section;
    private final String name;
    private final String transport;
    private final List<Long> hubAll = new ArrayList<>();
    private final List<Long> bareAll = new ArrayList<>();
    private final List<double[]> hubRounds = new ArrayList<>();
    private final List<double[]> bareRounds = new ArrayList<>();

    /** Figures are named {@code name p50 (transport)}. */
    Latencies(String section, String name, String transport) {
        this.section = section;
        this.name = name;
        this.transport = transport;
    }

    private String figure(String statistic) {
        return name + " " + statistic + " (" + transport + ")";
    }

    /** One round's times in microseconds; logs the round. */
    void round(List<Long> hubMicros, List<Long> bareMicros, int round, int rounds) {
        hubAll.addAll(hubMicros);
        bareAll.addAll(bareMicros);
        double[] h = percentiles(hubMicros);
        double[] b = percentiles(bareMicros);
        hubRounds.add(h);
        bareRounds.add(b);
        Bench.progress("%s %s round %d/%d: hub p50 %.2f p99 %.2f max %.2f ms, Artemis p50 %.2f p99 %.2f max %.2f ms (load %.2f)", section, name,
                round, rounds, h[0], h[1], h[2], b[0], b[1], b[2], Report.load());
    }

    /** p50, p99 and max in milliseconds. */
    private static double[] percentiles(List<Long> micros) {
        double[] s = Bench.sorted(micros);
        return new double[]{Bench.percentile(s, 0.5) / 1000, Bench.percentile(s, 0.99) / 1000, s[s.length - 1] / 1000};
    }

    private static Report.Stat stat(List<double[]> rounds, int index) {
        return Report.Stat.of(rounds.stream().map(r -> r[index]).toList());
    }

    /** Adds the p50, p99 and max rows; the goal (p99 at most {@code goalMs}) is judged on the pooled p99. */
    void report(Report report, double goalMs, String how) {
        double[] h = percentiles(hubAll);
        double[] b = percentiles(bareAll);
        String pooled = String.format(Locale.ROOT, "pooled over %d each: hub p50 %.2f / p99 %.2f / max %.2f ms, baseline p50 %.2f / p99 %.2f / max %.2f ms",
                hubAll.size(), h[0], h[1], h[2], b[0], b[1], b[2]);
        Bench.progress("%s %s %s", section, name, pooled);
        report.add(new Report.Figure(section, figure("p50"), "ms", stat(hubRounds, 0), stat(bareRounds, 0), null, null, how + "; " + pooled));
        report.add(new Report.Figure(section, figure("p99"), "ms", stat(hubRounds, 1), stat(bareRounds, 1),
                String.format(Locale.ROOT, "p99 <= %.0f ms", goalMs), h[1] <= goalMs, "goal judged on the pooled p99"));
        report.add(new Report.Figure(section, figure("max"), "ms", stat(hubRounds, 2), stat(bareRounds, 2), null, null, null));
    }
}
