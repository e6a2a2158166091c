package dev.hubsim.bench;

import dev.hubsim.HubSimulator;
import dev.hubsim.c2d.C2dSettings;
import dev.hubsim.testing.AmqpTestClient;
import dev.hubsim.testing.CbsClient;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Cloud-to-device round trip on loopback over TLS: service send (until Accepted) → device receive and accept →
 * feedback record received by the service. Feedback batches of one record, so the figure is the hub's own latency
 * rather than the 15 s batching interval. Not a test: run with
 * {@code java -cp <test classpath> dev.hubsim.bench.C2dRoundTrip [messages]}.
 */
public final class C2dRoundTrip {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        C2dSettings settings = C2dSettings.hubDefaults().withFeedbackBatchSize(1);
        try (HubSimulator hub = HubSimulator.builder().dataDir(Files.createTempDirectory("hubsim-bench")).amqpsPort(0).amqpPort(0).httpsPort(0)
                .cloudToDevice(settings).start();
             AmqpTestClient service = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), AmqpTestClient.SaslMode.anonymous()).awaitOpen();
             AmqpTestClient device = AmqpTestClient.tls(hub.amqpsPort(), hub.tls().clientContext(), AmqpTestClient.SaslMode.anonymous()).awaitOpen()) {
            new CbsClient(service).putToken(UUID.randomUUID(), "127.0.0.1", hub.policyToken("service", Duration.ofHours(1)));
            new CbsClient(device).putToken(UUID.randomUUID(), "127.0.0.1/devices/device1", hub.deviceToken("device1", Duration.ofHours(1)));
            Sender outbox = service.sender(service.session(), "sender", "/messages/devicebound");
            Receiver feedback = service.receiver(service.session(), "feedback", "/messages/serviceBound/feedback", 10);
            Receiver inbox = device.receiver(device.session(), "inbox", "/devices/device1/messages/devicebound", 10);
            int warmup = Math.max(200, n / 5);
            long[] micros = new long[n];
            for (int i = -warmup; i < n; i++) {
                Message m = Proton.message();
                m.setMessageId("rt-" + i);
                m.setAddress("/devices/device1/messages/devicebound");
                m.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "positive")));
                m.setBody(new Data(AmqpTestClient.binary("ping " + i)));
                long t0 = System.nanoTime();
                service.send(outbox, m);
                device.receive(inbox);
                service.receive(feedback);
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - t0) / 1000;
                }
            }
            Arrays.sort(micros);
            System.out.printf("C2D round trip service->device->feedback, %d messages after %d warm-up, %d cores: median %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    n, warmup, Runtime.getRuntime().availableProcessors(), micros[n / 2] / 1000.0, micros[(int) (n * 0.99)] / 1000.0, micros[n - 1] / 1000.0);
        }
    }
}
