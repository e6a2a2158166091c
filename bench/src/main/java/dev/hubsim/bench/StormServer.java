package dev.hubsim.bench;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The broker side of the connection storm, in a JVM of its own (its heap is the figure, and client and server
 * sockets of 10,000 connections in one process would pass the 20,000 file descriptors allowed here):
 * {@code StormServer hub|bare N maxFrameSize keyStore keyStorePassword} (maxFrameSize 0: the hub's default). Prints {@code ready <tls-port> <tcp-port> <data-dir>},
 * then answers {@code heap} on stdin with {@code heap <bytes used after GC>}; ends when stdin closes.
 */
public final class StormServer {
    /** One key for every storm device: tokens still differ per device by their {@code sr}. */
    static final String DEVICE_KEY = "c3Rvcm0tZGV2aWNlLWtleS1mb3ItdGhlLWJlbmNoLTMyYg==";

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        int maxFrameSize = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("hubsim-storm");
        AutoCloseable server;
        int tlsPort;
        int tcpPort;
        if (mode.equals("hub")) {
            List<HubConfig.DeviceSpec> devices = IntStream.range(0, n).mapToObj(i -> new HubConfig.DeviceSpec(Storm.deviceId(i), DEVICE_KEY, DEVICE_KEY, null)).toList();
            HubSimulator.Builder builder = HubSimulator.builder().hub(new HubConfig(HubConfig.DEFAULT_HUB_NAME, HubConfig.DEFAULT_HOST_NAMES, devices, null))
                    .dataDir(dir).keyStore(Path.of(args[3]), args[4]).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0);
            if (maxFrameSize > 0) {
                builder.maxFrameSize(maxFrameSize);
            }
            HubSimulator hub = builder.start();
            server = hub;
            tlsPort = hub.amqpsPort();
            tcpPort = hub.amqpPort();
        } else {
            BareArtemis bare = new BareArtemis(dir, Path.of(args[3]), args[4], true, List.of(Storm.TELEMETRY_QUEUE, Storm.C2D_QUEUE));
            BareArtemis.maxFrameSize(bare.server(), maxFrameSize > 0 ? maxFrameSize : Storm.FRAME_SIZE);
            server = bare;
            tlsPort = bare.port(BareArtemis.TLS);
            tcpPort = bare.port(BareArtemis.TCP);
        }
        System.out.println("ready " + tlsPort + " " + tcpPort + " " + dir);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("heap")) {
                System.out.println("heap " + heapAfterGc());
                System.out.flush();
            }
        }
        server.close();
        System.exit(0);
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
