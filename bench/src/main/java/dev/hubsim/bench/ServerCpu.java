package dev.hubsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of every thread in the bench JVM but the clients' ({@link #CLIENT_THREADS}, and Eclipse Paho's, which it
 * names {@code MQTT Rec: ...}, {@code MQTT Snd: ...}) and the driver's: what the broker under test spent, which other
 * processes on a shared machine do not inflate as they do wall-clock rates.
 */
final class ServerCpu {
    static final String CLIENT_THREADS = "bench-client";
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ServerCpu() {
    }

    /** Nanoseconds of CPU used so far by the threads alive now, clients and the calling thread left out. */
    static long nanos() {
        return nanos(false);
    }

    /** The same for the clients' threads alone. */
    static long clientNanos() {
        return nanos(true);
    }

    private static boolean isClient(String thread) {
        return thread.startsWith(CLIENT_THREADS) || thread.startsWith("MQTT ");
    }

    private static long nanos(boolean clients) {
        long self = Thread.currentThread().getId();
        long total = 0;
        for (ThreadInfo info : MX.getThreadInfo(MX.getAllThreadIds())) {
            if (info == null || info.getThreadId() == self || isClient(info.getThreadName()) != clients) {
                continue;
            }
            long cpu = MX.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                total += cpu;
            }
        }
        return total;
    }
}
