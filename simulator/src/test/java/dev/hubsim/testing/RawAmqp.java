package dev.hubsim.testing;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.security.SaslOutcome;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A raw AMQP 1.0 peer for hostile-input tests: writes whatever bytes it is given (headers, hand-made frames, garbage)
 * on a plain or TLS socket, and reads back what the server says as decoded frames, until the server closes, a
 * predicate holds, or a deadline passes. No engine: nothing stops it from breaking the protocol.
 */
public final class RawAmqp implements AutoCloseable {
    public static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    public static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};

    private static final ThreadLocal<EncoderImpl> ENCODER = ThreadLocal.withInitial(() -> {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        return encoder;
    });
    private static final ThreadLocal<DecoderImpl> DECODER = ThreadLocal.withInitial(() -> {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        return decoder;
    });

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Object> frames = new ArrayList<>();
    private int parsed;
    private boolean eof;
    private boolean reset;
    private final List<byte[]> written = new ArrayList<>();
    private boolean outputShut;

    private RawAmqp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawAmqp plain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new RawAmqp(s);
    }

    public static RawAmqp tls(int port, SSLContext trust) throws IOException {
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000); // a server that never answers the handshake fails the case instead of hanging the test
        s.startHandshake();
        return new RawAmqp(s);
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Everything written so far, one entry per write, so a case can be replayed elsewhere. */
    public List<byte[]> written() {
        return List.copyOf(written);
    }

    /** Whether this side ended its output ({@link #shutdownOutput()}). */
    public boolean outputShut() {
        return outputShut;
    }

    public RawAmqp write(byte[] bytes) throws IOException {
        written.add(bytes.clone());
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Half-closes: the server sees end of input (for TLS a close_notify). */
    public void shutdownOutput() throws IOException {
        outputShut = true;
        socket.shutdownOutput(); // TLS: close_notify, then the write side is closed
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /** One frame: size, doff 2, type (0 AMQP, 1 SASL), channel, then the encoded performative and payload. */
    public static byte[] frame(int type, int channel, Object performative, byte[] payload) {
        byte[] body = performative == null ? new byte[0] : encode(performative);
        int size = 8 + body.length + (payload == null ? 0 : payload.length);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(size).put((byte) 2).put((byte) type).putShort((short) channel).put(body);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    /** A frame with a raw body and a declared size of the caller's choosing (which may lie). */
    public static byte[] rawFrame(long declaredSize, int doff, int type, int channel, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt((int) declaredSize).put((byte) doff).put((byte) type).putShort((short) channel).put(body);
        return b.array();
    }

    public static byte[] encode(Object value) {
        EncoderImpl encoder = ENCODER.get();
        int capacity = 1024;
        while (true) {
            ByteBuffer buffer = ByteBuffer.allocate(capacity);
            encoder.setByteBuffer(buffer);
            try {
                encoder.writeObject(value);
                buffer.flip();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (java.nio.BufferOverflowException e) {
                capacity *= 4;
            }
        }
    }

    public static Open open(String containerId) {
        Open open = new Open();
        open.setContainerId(containerId);
        open.setHostname("127.0.0.1");
        return open;
    }

    public static Begin begin() {
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(1000));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(1000));
        return begin;
    }

    /** Header and Open without SASL (the hub accepts that, then wants CBS); waits for the server's Open. */
    public Open handshake(String containerId) throws IOException {
        write(concat(AMQP_HEADER, frame(0, 0, open(containerId), null)));
        readUntil(f -> f instanceof Open, Duration.ofSeconds(5));
        return (Open) frames.stream().filter(f -> f instanceof Open).findFirst()
                .orElseThrow(() -> new AssertionError("no Open from the server; got " + frames + (eof ? " then end of stream" : "")));
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads until the server closes the socket, {@code stop} holds for a frame read, or the deadline passes. Returns
     * true if it ended by the predicate or end of stream, false on the deadline.
     */
    public boolean readUntil(Predicate<Object> stop, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        byte[] buffer = new byte[8192];
        int checked = 0;
        while (true) {
            for (; checked < frames.size(); checked++) {
                if (stop.test(frames.get(checked))) {
                    return true;
                }
            }
            if (eof) {
                return true;
            }
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(left, 200)));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    eof = true;
                } else {
                    received.write(buffer, 0, n);
                    parse();
                }
            } catch (SocketTimeoutException e) {
                // keep waiting until the deadline
            } catch (IOException e) {
                // a reset (SO_LINGER 0) or a TLS alert: the server closed it
                eof = true;
                reset = true;
            }
        }
    }

    private void parse() {
        byte[] all = received.toByteArray();
        while (parsed < all.length) {
            int left = all.length - parsed;
            if (left >= 8 && all[parsed] == 'A' && all[parsed + 1] == 'M' && all[parsed + 2] == 'Q' && all[parsed + 3] == 'P') {
                frames.add("header:" + all[parsed + 4]);
                parsed += 8;
                continue;
            }
            if (left < 8) {
                return;
            }
            int size = ByteBuffer.wrap(all, parsed, 4).getInt();
            if (size < 8 || left < size) {
                return;
            }
            int doff = all[parsed + 4] & 0xff;
            int bodyStart = parsed + doff * 4;
            if (size == doff * 4) {
                frames.add("empty-frame");
            } else {
                DecoderImpl decoder = DECODER.get();
                decoder.setByteBuffer(ByteBuffer.wrap(all, bodyStart, parsed + size - bodyStart));
                try {
                    frames.add(decoder.readObject());
                } catch (RuntimeException e) {
                    frames.add("undecodable:" + e.getMessage());
                }
            }
            parsed += size;
        }
    }

    public List<Object> frames() {
        return List.copyOf(frames);
    }

    public boolean serverClosedSocket() {
        return eof;
    }

    public boolean wasReset() {
        return reset;
    }

    /** The condition of the server's Close, End or Detach (first found, in that order of preference), or null. */
    public ErrorCondition firstError() {
        for (Class<?> kind : List.of(Close.class, End.class, Detach.class)) {
            for (Object f : frames) {
                ErrorCondition e = f instanceof Close c && kind == Close.class ? c.getError()
                        : f instanceof End en && kind == End.class ? en.getError()
                        : f instanceof Detach d && kind == Detach.class ? d.getError() : null;
                if (e != null && e.getCondition() != null) {
                    return e;
                }
            }
        }
        return null;
    }

    public boolean sawClose() {
        return frames.stream().anyMatch(f -> f instanceof Close);
    }

    public SaslOutcome saslOutcome() {
        return (SaslOutcome) frames.stream().filter(f -> f instanceof SaslOutcome).findFirst().orElse(null);
    }

    public static Symbol symbol(String s) {
        return Symbol.valueOf(s);
    }

    public static Binary binary(byte[] b) {
        return new Binary(b);
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
