package dev.hubsim.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU time the simulator's own threads use, per thread ({@link ThreadMXBean}), so a measurement is not disturbed by
 * other processes on the machine: a spinning thread shows up however loaded the machine is, an idle one reads zero.
 */
public final class EventLoopCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private EventLoopCpu() {
    }

    /** A thread and the share of one core it used over the window, with the top of its stack. */
    public record Busy(String thread, double coreShare, String stack) {
        @Override
        public String toString() {
            return String.format("%s at %.0f%% of a core%n%s", thread, coreShare * 100, stack);
        }
    }

    /**
     * Artemis names its acceptors' event-loop threads "Thread-N (activemq-remoting-&lt;acceptor&gt;-&lt;server&gt;)" (its
     * remoting service's own pool is "activemq-remoting-service-"); the HTTPS front's are "hubsim-https-front-N".
     */
    public static boolean isEventLoop(String threadName) {
        return threadName.contains("(activemq-remoting-") && !threadName.contains("(activemq-remoting-service-")
                || threadName.startsWith("hubsim-https-front");
    }

    /** The ids of the threads alive now: pass them to {@link #busyEventLoops} to leave an older broker's threads out. */
    public static Set<Long> threadsNow() {
        return Arrays.stream(MX.getAllThreadIds()).boxed().collect(Collectors.toSet());
    }

    /**
     * Each event-loop thread (not in {@code ignored}) with the share of one core it used over the window, which this
     * call spends measuring; busiest first.
     */
    public static List<Busy> eventLoops(Duration window, Set<Long> ignored) {
        Map<Long, Double> shares = shares(window);
        List<Busy> loops = new ArrayList<>();
        for (Map.Entry<Long, Double> e : shares.entrySet()) {
            ThreadInfo info = MX.getThreadInfo(e.getKey(), 12);
            if (info != null && !ignored.contains(e.getKey()) && isEventLoop(info.getThreadName())) {
                loops.add(new Busy(info.getThreadName(), e.getValue(), Arrays.stream(info.getStackTrace())
                        .map(f -> "    at " + f).collect(Collectors.joining("\n"))));
            }
        }
        loops.sort(java.util.Comparator.comparingDouble(Busy::coreShare).reversed());
        return loops;
    }

    /** The event-loop threads that used more than {@code maxShare} of one core over the window. */
    public static List<Busy> busyEventLoops(Duration window, double maxShare, Set<Long> ignored) {
        return eventLoops(window, ignored).stream().filter(b -> b.coreShare() > maxShare).toList();
    }

    /** The share of one core all threads but the caller's used together over the window (the broker, when idle). */
    public static double processShare(Duration window) {
        long self = Thread.currentThread().getId();
        return shares(window).entrySet().stream().filter(e -> e.getKey() != self).mapToDouble(Map.Entry::getValue).sum();
    }

    private static Map<Long, Double> shares(Duration window) {
        long[] ids = MX.getAllThreadIds();
        Map<Long, Long> before = new HashMap<>();
        for (long id : ids) {
            before.put(id, MX.getThreadCpuTime(id));
        }
        long started = System.nanoTime();
        try {
            Thread.sleep(window.toMillis()); // the measurement window itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while measuring CPU time", e);
        }
        double elapsed = System.nanoTime() - started;
        Map<Long, Double> shares = new HashMap<>();
        before.forEach((id, cpu) -> {
            long after = MX.getThreadCpuTime(id);
            if (cpu >= 0 && after >= 0) {
                shares.put(id, (after - cpu) / elapsed);
            }
        });
        return shares;
    }
}
