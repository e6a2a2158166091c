package dev.hubsim.amqp;

import dev.hubsim.HubSimulator;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What frame tracing costs: 1 KB telemetry throughput from one TLS connection to a simulator with tracing on and one
 * with it off, measured in the same run, alternating, several rounds. Not a test: run with
 * {@code java -cp <test classpath> dev.hubsim.amqp.TraceCost [messagesPerRound] [rounds]}.
 */
public final class TraceCost {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("hubsim-bench");
        try (HubSimulator traced = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).tracing(true, 10_000).telemetryRetained(1000).start();
             HubSimulator untraced = HubSimulator.builder().dataDir(dir).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).tracing(false, 10_000).telemetryRetained(1000).start()) {
            for (int w = 0; w < 3; w++) { // warm-up: JIT both paths before measuring
                run(traced, n);
                run(untraced, n);
            }
            double[] on = new double[rounds];
            double[] off = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                on[r] = run(traced, n);
                off[r] = run(untraced, n);
                System.out.printf("round %d: tracing on %.0f msg/s, off %.0f msg/s%n", r + 1, on[r], off[r]);
            }
            Arrays.sort(on);
            Arrays.sort(off);
            System.out.printf("1 KB telemetry, %d messages per round, %d rounds, %d cores: tracing on median %.0f msg/s (%.0f-%.0f), off %.0f msg/s (%.0f-%.0f), ratio %.2f%n",
                    n, rounds, Runtime.getRuntime().availableProcessors(), on[rounds / 2], on[0], on[rounds - 1], off[rounds / 2], off[0], off[rounds - 1],
                    on[rounds / 2] / off[rounds / 2]);
            System.out.printf("the tracer alone: %.0f ns per transfer frame recorded%n", nanosPerFrame());
        }
    }

    /** The tracer alone: nanoseconds per recorded transfer frame, over a million frames after a million to warm up. */
    static double nanosPerFrame() {
        dev.hubsim.trace.Traces traces = new dev.hubsim.trace.Traces(true, 10_000, 1, java.time.Clock.systemUTC());
        FrameTracer tracer = new FrameTracer(traces.open("bench"));
        org.apache.qpid.proton.amqp.transport.Transfer transfer = new org.apache.qpid.proton.amqp.transport.Transfer();
        transfer.setHandle(org.apache.qpid.proton.amqp.UnsignedInteger.ZERO);
        transfer.setDeliveryId(org.apache.qpid.proton.amqp.UnsignedInteger.ONE);
        transfer.setDeliveryTag(new Binary(new byte[]{1, 2, 3, 4}));
        transfer.setSettled(false);
        org.apache.qpid.proton.framing.TransportFrame frame = new org.apache.qpid.proton.framing.TransportFrame(0, transfer, new Binary(new byte[1024]));
        for (int i = 0; i < 1_000_000; i++) {
            tracer.receivedFrame(frame);
        }
        long start = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            tracer.receivedFrame(frame);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double run(HubSimulator hub, int n) throws Exception {
        try (AmqpTestClient client = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), SaslChoice.anonymous()).awaitOpen()) {
            new CbsClient(client).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            Sender sender = client.sender(client.session(), "t", "/devices/device1/messages/events");
            Message m = Proton.message();
            m.setBody(new Data(new Binary(new byte[1024])));
            long start = System.nanoTime();
            List<Delivery> sent = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sent.add(client.sendAsync(sender, m));
            }
            for (Delivery d : sent) {
                client.awaitOutcome(d);
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
