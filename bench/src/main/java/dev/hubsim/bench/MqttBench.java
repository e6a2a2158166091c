package dev.hubsim.bench;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * 8. MQTT device-to-cloud (issue 16), a section of the bench ({@code -Dbench.only=mqtt}): D2C at QoS 1 with 1 KB payloads
 * over TLS from one Eclipse Paho client (the Java device SDK's MQTT library) with up to {@value #IN_FLIGHT}
 * unacknowledged, against the simulator's MQTT face and against stock Artemis' own MQTT protocol on an embedded broker
 * with the same TLS key store (its topic bound to one queue, emptied between rounds as the hub trims its partitions;
 * security off), rounds alternating; with the broker's CPU per message. Then the time of one Paho {@code connect()}
 * (TLS; on the hub with its SAS token), devices connected one after another and held open, on both.
 * {@code main} runs this section alone.
 */
public final class MqttBench {
    static final String DEVICE = "mqtt-device";
    private static final int PAYLOAD = 1024;
    private static final int IN_FLIGHT = 1000;
    /** Devices {@code mqtt-0..mqtt-29} for the connect figure. */
    static final int CONNECT_DEVICES = 30;
    private final Bench bench;

    MqttBench(Bench bench) {
        this.bench = bench;
    }

    /** The bench with only this section: {@code java ... dev.hubsim.bench.MqttBench} is {@code -Dbench.only=mqtt}. */
    public static void main(String[] args) throws Exception {
        System.setProperty("bench.only", "mqtt");
        Bench.main(args);
    }

    void run() throws Exception {
        int rounds = Integer.getInteger("bench.mqtt.rounds", bench.quick ? 2 : 5);
        int messages = Integer.getInteger("bench.mqtt.messages", bench.quick ? 4000 : 20_000);
        SSLContext trust = bench.tls;
        String user = bench.hub.hub().primaryHostName() + "/" + DEVICE + "/?api-version=2021-04-12";
        String password = bench.hub.deviceToken(DEVICE, Duration.ofHours(4));
        String hubTopic = "devices/" + DEVICE + "/messages/events/";
        String stockTopic = "devices/" + DEVICE + "/messages/events";
        try (StockMqtt stock = new StockMqtt(bench.dataDir.resolve("stock-mqtt"), bench.hub.tls().keyStore(), bench.hub.tls().keyStorePassword())) {
            // warm-up, not counted
            throughput("hub", bench.hub.mqttsPort(), trust, user, password, hubTopic, messages / 4);
            throughput("stock", stock.port(), trust, null, null, stockTopic, messages / 4);
            stock.purge();
            List<Double> hubRates = new ArrayList<>();
            List<Double> stockRates = new ArrayList<>();
            List<Double> hubCpu = new ArrayList<>();
            List<Double> stockCpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean hubFirst = r % 2 == 0;
                double[] a = hubFirst ? throughput("hub", bench.hub.mqttsPort(), trust, user, password, hubTopic, messages)
                        : throughput("stock", stock.port(), trust, null, null, stockTopic, messages);
                double[] b = hubFirst ? throughput("stock", stock.port(), trust, null, null, stockTopic, messages)
                        : throughput("hub", bench.hub.mqttsPort(), trust, user, password, hubTopic, messages);
                stock.purge();
                double[] h = hubFirst ? a : b;
                double[] s = hubFirst ? b : a;
                hubRates.add(h[0]);
                stockRates.add(s[0]);
                hubCpu.add(h[1]);
                stockCpu.add(s[1]);
                Bench.progress("mqtt d2c round %d/%d: hub %.0f msg/s %.1f us CPU/msg, stock Artemis MQTT %.0f msg/s %.1f us CPU/msg (load %.2f)",
                        r + 1, rounds, h[0], h[1], s[0], s[1], Report.load());
            }
            bench.report.add(new Report.Figure("mqtt", "D2C 1 KB QoS 1, 1 Paho client (TLS)", "msg/s", Report.Stat.of(hubRates), Report.Stat.of(stockRates),
                    null, null, messages + " PUBLISHes per round, up to " + IN_FLIGHT + " unacknowledged, timed to the last PUBACK; "
                    + "baseline: stock Artemis MQTT, the topic's address bound to one queue"));
            bench.report.add(new Report.Figure("mqtt", "D2C 1 KB QoS 1: broker CPU per message", "us/msg", Report.Stat.of(hubCpu),
                    Report.Stat.of(stockCpu), null, null, "CPU of the bench JVM's threads but the clients' (Paho's MQTT threads) per message"));
            connects(stock, trust, user, password);
        }
    }

    /** Messages per second at QoS 1 with up to IN_FLIGHT unacknowledged, from the first send to the last PUBACK, and broker us CPU per message. */
    private static double[] throughput(String label, int port, SSLContext trust, String user, String password, String topic, int count) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("ssl://127.0.0.1:" + port, DEVICE, new MemoryPersistence());
        MqttConnectOptions o = options(trust, user, password);
        o.setMaxInflight(IN_FLIGHT);
        client.connect(o).waitForCompletion(30_000);
        byte[] payload = new byte[PAYLOAD];
        Semaphore window = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        IMqttActionListener acked = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
                done.countDown();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                failure.compareAndSet(null, e);
                window.release();
            }
        };
        long cpu = ServerCpu.nanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            client.publish(topic, m, null, acked);
        }
        if (!done.await(5, TimeUnit.MINUTES) || failure.get() != null) {
            throw new IllegalStateException(label + ": " + done.getCount() + " PUBACKs missing", failure.get());
        }
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        double cpuPerMessage = (ServerCpu.nanos() - cpu) / 1e3 / count;
        client.disconnect().waitForCompletion(10_000);
        client.close();
        return new double[]{rate, cpuPerMessage};
    }

    /** ms per Paho connect(), devices one after another and held open, rounds alternating. */
    private void connects(StockMqtt stock, SSLContext trust, String user, String password) throws Exception {
        int rounds = bench.quick ? 1 : 3;
        int devices = bench.quick ? 10 : CONNECT_DEVICES;
        List<Double> hub = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            boolean hubFirst = r % 2 == 0;
            double a = connectMany(hubFirst ? bench.hub.mqttsPort() : stock.port(), trust, hubFirst, devices);
            double b = connectMany(hubFirst ? stock.port() : bench.hub.mqttsPort(), trust, !hubFirst, devices);
            hub.add(hubFirst ? a : b);
            bare.add(hubFirst ? b : a);
            Bench.progress("mqtt connect round %d/%d: hub %.1f ms, stock Artemis MQTT %.1f ms per connect", r + 1, rounds, hub.get(r), bare.get(r));
        }
        bench.report.add(new Report.Figure("mqtt", "connect, Paho, TLS, one after another", "ms", Report.Stat.of(hub), Report.Stat.of(bare),
                null, null, devices + " devices per round held open; hub: SAS token checked (registered devices), stock: security off"));
    }

    /** Devices {@code mqtt-0..}: registered on the bench's hub ({@link #CONNECT_DEVICES}). */
    private double connectMany(int port, SSLContext trust, boolean hub, int count) throws Exception {
        List<MqttConnectOptions> options = new ArrayList<>();
        for (int i = 0; i < count; i++) { // tokens made before the clock starts
            String device = "mqtt-" + i;
            options.add(hub ? options(trust, bench.hub.hub().primaryHostName() + "/" + device + "/?api-version=2021-04-12",
                    bench.hub.deviceToken(device, Duration.ofHours(1))) : options(trust, null, null));
        }
        List<MqttClient> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                MqttClient c = new MqttClient("ssl://127.0.0.1:" + port, "mqtt-" + i, new MemoryPersistence());
                c.connect(options.get(i));
                clients.add(c);
            }
            return (System.nanoTime() - t0) / 1e6 / count;
        } finally {
            for (MqttClient c : clients) {
                c.disconnectForcibly(0, 0, false);
                c.close(true);
            }
        }
    }

    static MqttConnectOptions options(SSLContext trust, String user, String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        o.setSocketFactory(trust.getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(false);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(30);
        return o;
    }

    /** Stock Artemis with its own MQTT protocol (found by ServiceLoader) on a TLS acceptor; the topic's address has one queue. */
    static final class StockMqtt implements AutoCloseable {
        private static final String QUEUE = "telemetry";
        private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();

        StockMqtt(Path dataDir, Path keyStore, String keyStorePassword) throws Exception {
            ConfigurationImpl config = new ConfigurationImpl();
            config.setName("stock-mqtt");
            config.setPersistenceEnabled(false);
            config.setSecurityEnabled(false);
            config.setJournalType(JournalType.NIO);
            config.setJMXManagementEnabled(false);
            config.setCriticalAnalyzer(false);
            Files.createDirectories(dataDir);
            config.setJournalDirectory(dataDir.resolve("journal").toString());
            config.setBindingsDirectory(dataDir.resolve("bindings").toString());
            config.setPagingDirectory(dataDir.resolve("paging").toString());
            config.setLargeMessagesDirectory(dataDir.resolve("large-messages").toString());
            config.setNodeManagerLockDirectory(dataDir.toString());
            config.addAcceptorConfiguration("mqtts", "tcp://127.0.0.1:0?protocols=MQTT;sslEnabled=true;keyStoreType=PKCS12;keyStorePath="
                    + keyStore.toAbsolutePath() + ";keyStorePassword=" + keyStorePassword + ";enabledProtocols=TLSv1.2,TLSv1.3");
            // MQTT topic devices/{id}/messages/events is the address devices.{id}.messages.events; one queue keeps what arrives.
            config.addQueueConfiguration(QueueConfiguration.of(QUEUE).setAddress("devices." + DEVICE + ".messages.events")
                    .setRoutingType(RoutingType.MULTICAST).setDurable(false));
            embedded.setConfiguration(config);
            embedded.start();
        }

        int port() {
            return ((NettyAcceptor) embedded.getActiveMQServer().getRemotingService().getAcceptor("mqtts")).getActualPort();
        }

        /** Drops what the rounds stored (outside the timed part). */
        void purge() throws Exception {
            embedded.getActiveMQServer().locateQueue(QUEUE).deleteAllReferences();
        }

        @Override
        public void close() throws Exception {
            embedded.stop();
        }
    }
}
