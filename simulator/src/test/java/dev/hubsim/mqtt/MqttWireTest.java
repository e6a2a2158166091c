package dev.hubsim.mqtt;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT face byte by byte on the optional plain port: protocol versions IoT Hub does not speak, the keep-alive, a
 * malformed packet, a socket that never sends CONNECT. Each ends in the documented answer and a closed socket.
 */
class MqttWireTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder()
            .configure(b -> b.mqttPort(0).openTimeout(Duration.ofSeconds(2))).build();
    static final int READ_TIMEOUT_MS = 15_000;

    static byte[] connect(String protocolName, int level, int keepAlive, String clientId, String userName, String password) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, protocolName);
        v.write(level);
        v.write(0x02 | 0x80 | 0x40); // clean session, user name, password
        v.write(keepAlive >> 8);
        v.write(keepAlive & 0xff);
        if (level == 5) {
            v.write(0); // no properties
        }
        string(v, clientId);
        string(v, userName);
        string(v, password);
        return packet(0x10, v.toByteArray());
    }

    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int length = body.length;
        do {
            int b = length % 128;
            length /= 128;
            out.write(length > 0 ? b | 0x80 : b);
        } while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xff);
        out.writeBytes(b);
    }

    Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", HUB.simulator().mqttPort());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    byte[] goodConnect(int keepAlive) {
        HubSimulator hub = HUB.simulator();
        return connect("MQTT", 4, keepAlive, "device1", hub.hub().primaryHostName() + "/device1/?api-version=2021-04-12",
                hub.deviceToken("device1", Duration.ofHours(1)));
    }

    static byte[] read(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(in).readFully(b);
        return b;
    }

    /** Reads until the hub closes the socket; fails if it does not within the read timeout. */
    static void assertClosed(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever came before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the hub did not close the connection within " + READ_TIMEOUT_MS + " ms");
        } catch (IOException e) {
            // a reset is a close too
        }
    }

    @Test
    void theOptionalPlainPortServesMqtt() throws Exception {
        assertTrue(HUB.simulator().mqttPort() > 0);
        assertEquals(HUB.simulator().mqttPort(), HUB.simulator().info().ports().get("mqtt"));
        try (Socket s = open()) {
            s.getOutputStream().write(goodConnect(60));
            assertArrayEquals(new byte[]{0x20, 0x02, 0x00, 0x00}, read(s.getInputStream(), 4), "CONNACK accepted");
            s.getOutputStream().write(new byte[]{(byte) 0xC0, 0x00}); // PINGREQ
            assertArrayEquals(new byte[]{(byte) 0xD0, 0x00}, read(s.getInputStream(), 2), "PINGRESP");
        }
    }

    @Test
    void aModuleConnectsWithItsOwnTokenAndPublishesAsTheModule() throws Exception {
        HubSimulator hub = HUB.simulator();
        String user = hub.hub().primaryHostName() + "/device1/module1/?api-version=2021-04-12";
        try (Socket s = open()) {
            s.getOutputStream().write(connect("MQTT", 4, 60, "device1/module1", user, hub.moduleToken("device1", "module1", Duration.ofHours(1))));
            assertArrayEquals(new byte[]{0x20, 0x02, 0x00, 0x00}, read(s.getInputStream(), 4), "CONNACK accepted");
            // QoS 1 PUBLISH on the module's telemetry topic (Java appends a '/' after the bag)
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            string(p, "devices/device1/modules/module1/messages/events/k=v/");
            p.write(0);
            p.write(7);
            p.writeBytes("from-module".getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(packet(0x32, p.toByteArray()));
            assertArrayEquals(new byte[]{0x40, 0x02, 0x00, 0x07}, read(s.getInputStream(), 4), "PUBACK");
        }
        dev.hubsim.RecordedTelemetry t = hub.telemetry("device1").stream()
                .filter(r -> new String(r.body(), StandardCharsets.UTF_8).equals("from-module")).findFirst().orElseThrow();
        assertEquals("module1", t.annotations().get("iothub-connection-module-id"));
        assertEquals("v", t.applicationProperties().get("k"));
    }

    @Test
    void mqtt31GetsReturnCodeOneAndMqtt5TheUnsupportedVersionReasonCode() throws Exception {
        HubSimulator hub = HUB.simulator();
        String user = hub.hub().primaryHostName() + "/device1/?api-version=2021-04-12";
        String token = hub.deviceToken("device1", Duration.ofHours(1));
        try (Socket s = open()) {
            s.getOutputStream().write(connect("MQIsdp", 3, 60, "device1", user, token));
            assertArrayEquals(new byte[]{0x20, 0x02, 0x00, 0x01}, read(s.getInputStream(), 4));
            assertClosed(s.getInputStream());
        }
        try (Socket s = open()) {
            s.getOutputStream().write(connect("MQTT", 5, 60, "device1", user, token));
            byte[] connack = read(s.getInputStream(), 4);
            assertEquals(0x20, connack[0]);
            assertEquals((byte) 0x84, connack[3], "0x84 Unsupported Protocol Version");
            assertClosed(s.getInputStream());
        }
    }

    @Test
    void noPacketWithinOneAndAHalfKeepAlivesClosesTheConnection() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write(goodConnect(1));
            assertArrayEquals(new byte[]{0x20, 0x02, 0x00, 0x00}, read(s.getInputStream(), 4));
            long t0 = System.nanoTime();
            assertClosed(s.getInputStream());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1500, "closed after the server keep-alive (2 s for a client's 1 s), not at once: " + ms + " ms");
        }
    }

    @Test
    void aMalformedPacketClosesTheConnection() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write(goodConnect(60));
            read(s.getInputStream(), 4);
            s.getOutputStream().write(new byte[]{0x36, 0x03, 0x00, 0x01, 'x'}); // PUBLISH with QoS 3
            assertClosed(s.getInputStream());
        }
    }

    @Test
    void aSocketThatNeverSendsConnectIsClosedAfterTheOpenTimeout() throws Exception {
        try (Socket s = open()) {
            // detected as MQTT by its first 8 bytes, then nothing more
            byte[] connect = goodConnect(60);
            s.getOutputStream().write(connect, 0, 10);
            long t0 = System.nanoTime();
            assertClosed(s.getInputStream());
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 1000, "after the 2 s open timeout");
        }
    }
}
