package dev.hubsim.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * AMQP over WebSockets at the wire: a TLS socket to the HTTPS port, the upgrade on {@code /$iothub/websocket} with
 * subprotocol AMQPWSB10, then bytes of the test's choosing in masked binary frames. Reads the server's binary payloads
 * as one stream and tells when the server closed the socket (or sent a WebSocket close).
 */
public final class RawWebSocket implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closed;

    private RawWebSocket(SSLSocket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and upgrades; fails if the server does not answer 101 within the timeout. */
    public static RawWebSocket connect(int httpsPort, SSLContext trust, Duration timeout) throws IOException {
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", httpsPort), (int) timeout.toMillis());
        s.setSoTimeout((int) timeout.toMillis());
        s.startHandshake();
        RawWebSocket ws = new RawWebSocket(s);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        ws.out.write(("GET /$iothub/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + httpsPort + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: AMQPWSB10\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("no WebSocket upgrade: " + head);
        }
        return ws;
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Sends the bytes as one masked binary frame. */
    public RawWebSocket send(byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x82);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int k = 0; k < payload.length; k++) {
            frame.write(payload[k] ^ mask[k % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
        return this;
    }

    /** Reads until the server has sent at least {@code n} payload bytes or closed; true if the bytes came. */
    public boolean awaitBytes(int n, Duration deadline) throws IOException {
        readUntil(() -> received.size() >= n, deadline);
        return received.size() >= n;
    }

    /** Reads until the server closes the socket (or sends a WebSocket close) or the deadline passes; true if it did. */
    public boolean awaitServerClose(Duration deadline) throws IOException {
        readUntil(() -> false, deadline);
        return closed;
    }

    public byte[] received() {
        return received.toByteArray();
    }

    private void readUntil(java.util.function.BooleanSupplier enough, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!closed && !enough.getAsBoolean()) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                readFrame();
            } catch (SocketTimeoutException e) {
                return;
            } catch (IOException e) {
                closed = true; // end of stream, a reset or a TLS alert: the server closed it
            }
        }
    }

    private void readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        int opcode = b0 & 0x0f;
        if (opcode == 0x8) {
            closed = true;
        } else if (opcode == 0x2 || opcode == 0x0) {
            received.writeBytes(payload);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
