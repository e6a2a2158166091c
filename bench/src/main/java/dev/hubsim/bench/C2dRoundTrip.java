package dev.hubsim.bench;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * 4. Cloud-to-device round trip over TLS, one message at a time: service sends → device receives and accepts →
 * service receives the feedback record (batches of one). Baseline, the same three legs on stock Artemis: service
 * sends to a queue → device receives, accepts and sends a receipt to a second queue → service receives it.
 */
final class C2dRoundTrip {
    private static final String DEVICE = "c2d-device";
    private final Bench bench;

    C2dRoundTrip(Bench bench) {
        this.bench = bench;
    }

    /** The three connections-worth of links of one side, and where the service learns the trip is over. */
    private final class Side implements AutoCloseable {
        final boolean hub;
        final AmqpClient service;
        final AmqpClient device;
        final LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        Sender outbox;
        Sender receipts;

        Side(boolean hub) throws Exception {
            this.hub = hub;
            int port = hub ? bench.hub.amqpsPort() : bench.bare.port(BareArtemis.TLS);
            service = AmqpClient.connect(bench.group, port, bench.tls, "ANONYMOUS", null, null, 0);
            device = AmqpClient.connect(bench.group, port, bench.tls, "ANONYMOUS", null, null, 0);
            service.opened.get(10, TimeUnit.SECONDS);
            device.opened.get(10, TimeUnit.SECONDS);
            if (hub) {
                check(service.call(() -> service.putToken("127.0.0.1", bench.hub.policyToken("service", Duration.ofHours(1))), 10));
                device.putDeviceToken(bench.hub, DEVICE);
            }
            CompletableFuture<Link> outboxAttached = new CompletableFuture<>();
            CompletableFuture<Link> feedbackAttached = new CompletableFuture<>();
            CompletableFuture<Link> inboxAttached = new CompletableFuture<>();
            CompletableFuture<Link> receiptsAttached = new CompletableFuture<>();
            service.run(() -> {
                outbox = Links.sender(service.session(), "outbox", hub ? "/messages/devicebound" : Bench.C2D_QUEUE,
                        Links.attachWatcher(outboxAttached, Delivery::settle));
                Links.receiver(service.session(), "feedback", Links.source(hub ? "/messages/serviceBound/feedback" : Bench.FEEDBACK_QUEUE), 10,
                        Links.attachWatcher(feedbackAttached, d -> {
                            if (Links.read(d) != null) {
                                arrivals.add(System.nanoTime());
                                Links.accept(d);
                                ((org.apache.qpid.proton.engine.Receiver) d.getLink()).flow(1);
                            }
                        }));
            });
            device.run(() -> {
                if (!hub) {
                    receipts = Links.sender(device.session(), "receipts", Bench.FEEDBACK_QUEUE, Links.attachWatcher(receiptsAttached, Delivery::settle));
                }
                Links.receiver(device.session(), "inbox", Links.source(hub ? "/devices/" + DEVICE + "/messages/devicebound" : Bench.C2D_QUEUE), 10,
                        Links.attachWatcher(inboxAttached, d -> {
                            Message m = Links.read(d);
                            if (m != null) {
                                Links.accept(d); // the hub sends positive feedback on this
                                ((org.apache.qpid.proton.engine.Receiver) d.getLink()).flow(1);
                                if (!hub) {
                                    Message receipt = Proton.message();
                                    receipt.setCorrelationId(m.getMessageId());
                                    receipt.setBody(new Data(AmqpClient.bytes(64)));
                                    device.send(receipts, AmqpClient.encode(receipt));
                                }
                            }
                        }));
            });
            outboxAttached.get(10, TimeUnit.SECONDS);
            feedbackAttached.get(10, TimeUnit.SECONDS);
            inboxAttached.get(10, TimeUnit.SECONDS);
            if (!hub) {
                receiptsAttached.get(10, TimeUnit.SECONDS);
            }
        }

        /** One message there and back; microseconds. */
        long trip(int i) throws Exception {
            Message m = Proton.message();
            m.setMessageId("rt-" + i);
            m.setAddress("/devices/" + DEVICE + "/messages/devicebound");
            m.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "positive")));
            m.setBody(new Data(AmqpClient.binary("ping " + i)));
            byte[] encoded = AmqpClient.encode(m);
            long t0 = System.nanoTime();
            service.run(() -> service.send(outbox, encoded));
            Long t1 = arrivals.poll(10, TimeUnit.SECONDS);
            if (t1 == null) {
                throw new IllegalStateException("no feedback for message " + i + " within 10 s (" + (hub ? "hub" : "Artemis") + ")");
            }
            return (t1 - t0) / 1000;
        }

        @Override
        public void close() {
            service.close();
            device.close();
        }
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("put-token status " + status);
        }
    }

    void run() throws Exception {
        int rounds = 5;
        int perRound = bench.quick ? 200 : 2000; // 5 x 2,000 = 10,000 per side
        try (Side hub = new Side(true); Side bare = new Side(false)) {
            for (int i = 0; i < perRound / 2; i++) { // warm-up
                hub.trip(-i - 1);
                bare.trip(-i - 1);
            }
            Latencies latencies = new Latencies("c2d", "round trip", "TLS");
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                Side first = r % 2 == 0 ? hub : bare;
                Side second = r % 2 == 0 ? bare : hub;
                List<Long> a = new ArrayList<>();
                List<Long> b = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    a.add(first.trip(n++));
                }
                for (int i = 0; i < perRound; i++) {
                    b.add(second.trip(n++));
                }
                latencies.round(first == hub ? a : b, first == hub ? b : a, r + 1, rounds);
            }
            latencies.report(bench.report, 10, perRound + " trips per round, one at a time");
        }
    }
}
