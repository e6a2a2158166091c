package dev.hubsim.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The figures of a run: printed as a table, written as JSON and CSV with the core count, date and load average. */
final class Report {
    /** Median and spread of per-round values. */
    record Stat(double median, double min, double max, int rounds) {
        static Stat of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return new Stat(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stat(median, v[0], v[v.length - 1], v.length);
        }

        static Stat of(double... values) {
            return of(Arrays.stream(values).boxed().toList());
        }
    }

    /**
     * One figure: the simulator's value against the baseline's, measured in the same run.
     *
     * @param higherIsBetter whether the goal is a floor (throughput) or a ceiling (time, memory)
     * @param goal           the goal as text, or null; {@code met} is null when there is no goal
     */
    record Figure(String section, String name, String unit, Stat hub, Stat baseline, String goal, Boolean met, String note) {
        double ratio() {
            return baseline == null || baseline.median() == 0 ? Double.NaN : hub.median() / baseline.median();
        }
    }

    private final List<Figure> figures = new ArrayList<>();
    private final Instant started = Instant.now();
    private final double loadAtStart = load();

    void add(Figure figure) {
        figures.add(figure);
        System.out.println("  => " + line(figure));
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String stat(Stat s) {
        return s == null ? "-" : num(s.median()) + " (" + num(s.min()) + "-" + num(s.max()) + ")";
    }

    private static String line(Figure f) {
        return f.section() + " | " + f.name() + ": hub " + stat(f.hub()) + " " + f.unit() + ", baseline " + stat(f.baseline()) + ", ratio "
                + num(f.ratio()) + (f.goal() != null ? ", goal " + f.goal() + (Boolean.TRUE.equals(f.met()) ? " MET" : " MISSED") : "");
    }

    void print() {
        System.out.println();
        System.out.printf("hubsim bench %s, %d cores, load average %s at start and %s at end%n", started,
                Runtime.getRuntime().availableProcessors(), num(loadAtStart), num(load()));
        String header = String.format("%-10s | %-44s | %-32s | %-32s | %-6s | %-9s | %s", "section", "figure", "hub median (min-max)",
                "baseline median (min-max)", "ratio", "unit", "goal");
        System.out.println(header);
        System.out.println("-".repeat(header.length() + 10));
        for (Figure f : figures) {
            System.out.printf("%-10s | %-44s | %-32s | %-32s | %-6s | %-9s | %s%n", f.section(), f.name(), stat(f.hub()), stat(f.baseline()),
                    num(f.ratio()), f.unit(), f.goal() == null ? "" : f.goal() + (Boolean.TRUE.equals(f.met()) ? " met" : " MISSED"));
        }
        for (Figure f : figures) {
            if (f.note() != null) {
                System.out.println("note: " + f.section() + " / " + f.name() + ": " + f.note());
            }
        }
    }

    void write(Path dir, boolean quick) throws IOException {
        Files.createDirectories(dir);
        int cores = Runtime.getRuntime().availableProcessors();
        String date = started.toString();
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"date\": \"").append(date).append("\",\n  \"cores\": ").append(cores)
                .append(",\n  \"loadAverageStart\": ").append(jsonNum(loadAtStart)).append(",\n  \"loadAverageEnd\": ").append(jsonNum(load()))
                .append(",\n  \"quick\": ").append(quick)
                .append(",\n  \"java\": \"").append(esc(System.getProperty("java.vm.name") + " " + System.getProperty("java.version")))
                .append("\",\n  \"figures\": [\n");
        StringBuilder csv = new StringBuilder("date,cores,section,figure,unit,hub_median,hub_min,hub_max,hub_rounds,baseline_median,baseline_min,"
                + "baseline_max,baseline_rounds,ratio,goal,met,note\n");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            json.append("    {\"section\": \"").append(esc(f.section())).append("\", \"figure\": \"").append(esc(f.name()))
                    .append("\", \"unit\": \"").append(esc(f.unit())).append("\", \"hub\": ").append(statJson(f.hub()))
                    .append(", \"baseline\": ").append(statJson(f.baseline())).append(", \"ratio\": ").append(jsonNum(f.ratio()))
                    .append(", \"goal\": ").append(f.goal() == null ? "null" : "\"" + esc(f.goal()) + "\"")
                    .append(", \"met\": ").append(f.met()).append(", \"note\": ").append(f.note() == null ? "null" : "\"" + esc(f.note()) + "\"")
                    .append(", \"cores\": ").append(cores).append(", \"date\": \"").append(date).append("\"}")
                    .append(i < figures.size() - 1 ? ",\n" : "\n");
            csv.append(date).append(',').append(cores).append(',').append(csvField(f.section())).append(',').append(csvField(f.name())).append(',')
                    .append(csvField(f.unit())).append(',').append(statCsv(f.hub())).append(',').append(statCsv(f.baseline())).append(',')
                    .append(jsonNum(f.ratio())).append(',').append(csvField(f.goal() == null ? "" : f.goal())).append(',')
                    .append(f.met() == null ? "" : f.met()).append(',').append(csvField(f.note() == null ? "" : f.note())).append('\n');
        }
        json.append("  ]\n}\n");
        Files.writeString(dir.resolve("bench-results.json"), json.toString());
        Files.writeString(dir.resolve("bench-results.csv"), csv.toString());
        System.out.println("figures written to " + dir.resolve("bench-results.json") + " and " + dir.resolve("bench-results.csv"));
    }

    private static String statJson(Stat s) {
        if (s == null) {
            return "null";
        }
        return "{\"median\": " + jsonNum(s.median()) + ", \"min\": " + jsonNum(s.min()) + ", \"max\": " + jsonNum(s.max()) + ", \"rounds\": " + s.rounds() + "}";
    }

    private static String statCsv(Stat s) {
        if (s == null) {
            return ",,,";
        }
        return jsonNum(s.median()) + "," + jsonNum(s.min()) + "," + jsonNum(s.max()) + "," + s.rounds();
    }

    private static String jsonNum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
