package dev.hubsim.bench;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
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
import java.util.stream.IntStream;

/**
 * MQTT figures of issue 16, one JVM, same run: D2C throughput at QoS 1 with 1 KB payloads over TLS with Eclipse Paho
 * (the Java device SDK's MQTT library), against the simulator's MQTT face and against stock Artemis' MQTT protocol on
 * an embedded broker with the same TLS key store (its topic bound to one queue, security off); then the time to
 * connect 1,000 MQTT devices to the simulator one after another. Run:
 * {@code mvn -B -q -Pbench -pl bench -am package -DskipTests && java -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.hubsim.bench.MqttBench}
 * or through exec (see README, "Benchmarks"). {@code -Dbench.mqtt.messages} (default 20,000), {@code -Dbench.mqtt.devices} (1,000).
 */
public final class MqttBench {
    private static final int PAYLOAD = 1024;
    private static final int IN_FLIGHT = 1000;

    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("bench.mqtt.messages", 20_000);
        int deviceCount = Integer.getInteger("bench.mqtt.devices", 1_000);
        Path dir = Files.createTempDirectory("hubsim-mqtt-bench");
        List<HubConfig.DeviceSpec> devices = IntStream.rangeClosed(1, deviceCount).mapToObj(i -> new HubConfig.DeviceSpec("dev" + i, null, null, null)).toList();
        try (HubSimulator hub = HubSimulator.builder().hub(new HubConfig("simhub", null, devices, null)).dataDir(dir.resolve("hub"))
                .amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0).retainedEvents(messages * 3L).start()) {
            SSLContext trust = hub.tls().clientContext();
            String host = hub.hub().primaryHostName();
            // warm-up, then the timed rounds, alternating so neither side gets the warmer JIT
            try (StockMqtt stock = new StockMqtt(dir.resolve("stock"), hub.tls().keyStore(), hub.tls().keyStorePassword())) {
                throughput("hubsim", hub.mqttsPort(), trust, "dev1", host + "/dev1/?api-version=2021-04-12",
                        hub.deviceToken("dev1", Duration.ofHours(1)), "devices/dev1/messages/events/", messages / 4);
                throughput("stock", stock.port(), trust, "dev1", null, null, "devices/dev1/messages/events", messages / 4);
                for (int round = 1; round <= 2; round++) {
                    double h = throughput("hubsim", hub.mqttsPort(), trust, "dev1", host + "/dev1/?api-version=2021-04-12",
                            hub.deviceToken("dev1", Duration.ofHours(1)), "devices/dev1/messages/events/", messages);
                    double s = throughput("stock", stock.port(), trust, "dev1", null, null, "devices/dev1/messages/events", messages);
                    System.out.printf("round %d: hubsim %.0f msg/s, stock Artemis MQTT %.0f msg/s (hubsim/stock %.2f)%n", round, h, s, h / s);
                }
            }
            connectMany(hub, trust, host, deviceCount);
        }
    }

    /** Messages per second at QoS 1 with up to IN_FLIGHT unacknowledged, from the first send to the last PUBACK. */
    static double throughput(String label, int port, SSLContext trust, String clientId, String user, String password, String topic,
                             int count) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions o = options(trust, user, password);
        o.setMaxInflight(IN_FLIGHT);
        client.connect(o).waitForCompletion(30_000);
        byte[] payload = new byte[PAYLOAD];
        Semaphore window = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(count);
        IMqttActionListener acked = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
                done.countDown();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                throw new IllegalStateException(label + ": a publish failed", e);
            }
        };
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            window.acquire();
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            client.publish(topic, m, null, acked);
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(label + ": " + done.getCount() + " PUBACKs missing");
        }
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        client.disconnect().waitForCompletion(10_000);
        client.close();
        return rate;
    }

    /** Connects {@code count} devices one after another (each its own TLS connection), keeps them open, reports the time. */
    static void connectMany(HubSimulator hub, SSLContext trust, String host, int count) throws Exception {
        List<MqttClient> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 1; i <= count; i++) {
                MqttClient c = new MqttClient("ssl://127.0.0.1:" + hub.mqttsPort(), "dev" + i, new MemoryPersistence());
                c.connect(options(trust, host + "/dev" + i + "/?api-version=2021-04-12", hub.deviceToken("dev" + i, Duration.ofHours(1))));
                clients.add(c);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("connect %d MQTT devices (TLS, SAS, one after another): %.1f s, %.1f ms each; %d connections open%n",
                    count, seconds, seconds * 1000 / count, hub.connections().size());
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
            // MQTT topic devices/dev1/messages/events is the address devices.dev1.messages.events; one queue keeps what arrives.
            config.addQueueConfiguration(QueueConfiguration.of("telemetry").setAddress("devices.dev1.messages.events")
                    .setRoutingType(RoutingType.MULTICAST).setDurable(false));
            embedded.setConfiguration(config);
            embedded.start();
        }

        int port() {
            return ((NettyAcceptor) embedded.getActiveMQServer().getRemotingService().getAcceptor("mqtts")).getActualPort();
        }

        @Override
        public void close() throws Exception {
            embedded.stop();
        }
    }
}
