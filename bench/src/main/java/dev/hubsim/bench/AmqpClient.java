package dev.hubsim.bench;

import dev.hubsim.probe.CbsProbe;
import dev.hubsim.probe.ProbeConnection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A Proton-J AMQP 1.0 client on a Netty channel (TLS or plain): many connections share a few event-loop threads, so a
 * storm of 10,000 devices needs no thread per connection. Every engine call runs on the channel's event loop; use
 * {@link #run} from other threads. Links carry a {@link LinkHandler} as their context; {@link Links} makes them.
 */
final class AmqpClient extends ChannelInboundHandlerAdapter {
    /** What a link does with the engine's events; called on the event loop. */
    interface LinkHandler {
        default void onOpen(Link link) {
        }

        default void onFlow(Link link) {
        }

        default void onDelivery(Delivery delivery) {
        }

        default void onClose(Link link) {
        }
    }

    final Connection connection = Proton.connection();
    final Transport transport = Proton.transport();
    private final Collector collector = Proton.collector();
    final CompletableFuture<AmqpClient> opened = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final String saslMechanism;
    private final String saslUser;
    private final String saslPassword;
    private Channel channel;
    private long tags;
    private java.util.concurrent.ScheduledFuture<?> heartbeat;

    private AmqpClient(String saslMechanism, String user, String password, int maxFrameSize) {
        this.saslMechanism = saslMechanism;
        this.saslUser = user;
        this.saslPassword = password;
        if (maxFrameSize > 0) {
            transport.setMaxFrameSize(maxFrameSize);
        }
    }

    /** Connects to 127.0.0.1:port (TLS when {@code tls} is given); {@link #opened} completes on the server's Open. */
    static AmqpClient connect(EventLoopGroup group, int port, SSLContext tls, String saslMechanism, String user, String password, int maxFrameSize) {
        AmqpClient client = new AmqpClient(saslMechanism, user, password, maxFrameSize);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true) // small frames must not wait for Nagle
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SSLEngine engine = tls.createSSLEngine("127.0.0.1", port);
                            engine.setUseClientMode(true);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        ch.pipeline().addLast(client);
                    }
                });
        ChannelFuture future = bootstrap.connect("127.0.0.1", port);
        future.addListener(f -> {
            if (!f.isSuccess()) {
                client.opened.completeExceptionally(f.cause());
                client.closed.complete(null);
            }
        });
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (saslMechanism != null) {
            Sasl sasl = transport.sasl();
            sasl.client();
            sasl.setMechanisms(saslMechanism);
            if ("PLAIN".equals(saslMechanism)) {
                sasl.plain(saslUser, saslPassword);
            }
        }
        connection.collect(collector);
        transport.bind(connection);
        connection.setHostname("127.0.0.1");
        connection.setContainer("bench-" + UUID.randomUUID());
        connection.open();
        process();
        // Heartbeats: Artemis drops a connection that sends nothing for its TTL (60 s); a storm of 10,000 idles longer.
        heartbeat = ctx.executor().scheduleAtFixedRate(() -> {
            if (channel.isActive()) {
                transport.tick(System.nanoTime() / 1_000_000);
                process();
            }
        }, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            while (buf.isReadable()) {
                ByteBuffer input = transport.getInputBuffer();
                int n = Math.min(input.remaining(), buf.readableBytes());
                if (n == 0) {
                    fail(new IllegalStateException("transport input closed"));
                    return;
                }
                ByteBuffer slice = input.duplicate();
                slice.limit(slice.position() + n);
                buf.readBytes(slice);
                input.position(input.position() + n);
                transport.processInput().checkIsOk();
            }
        } catch (RuntimeException e) {
            fail(e);
            return;
        } finally {
            buf.release();
        }
        process();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        fail(new IllegalStateException("connection closed by the server"));
        closed.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable e) {
        opened.completeExceptionally(e);
    }

    /** Queues engine work on this connection's event loop, then hands the engine's events out and writes its output. */
    void run(Runnable work) {
        // Always queued, also from the event loop: a future completed inside process() must not re-enter it.
        channel.eventLoop().execute(() -> {
            work.run();
            process();
        });
    }

    /** Dispatches the collector's events to link handlers, then writes whatever the engine has to send. */
    private void process() {
        Event event;
        while ((event = collector.peek()) != null) {
            try {
                dispatch(event);
            } finally {
                collector.pop();
            }
        }
        boolean wrote = false;
        while (transport.pending() > 0) {
            ByteBuffer head = transport.head();
            int n = head.remaining();
            ByteBuf out = channel.alloc().buffer(n);
            out.writeBytes(head.duplicate());
            transport.pop(n);
            channel.write(out);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void dispatch(Event event) {
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN:
                opened.complete(this);
                break;
            case CONNECTION_REMOTE_CLOSE:
                fail(new IllegalStateException("server closed the connection: " + connection.getRemoteCondition()));
                break;
            case TRANSPORT_ERROR:
                fail(new IllegalStateException("transport error: " + transport.getCondition()));
                break;
            case LINK_REMOTE_OPEN:
                handler(event.getLink()).onOpen(event.getLink());
                break;
            case LINK_FLOW:
                handler(event.getLink()).onFlow(event.getLink());
                break;
            case DELIVERY:
                handler(event.getDelivery().getLink()).onDelivery(event.getDelivery());
                break;
            case LINK_REMOTE_CLOSE:
            case LINK_REMOTE_DETACH:
                handler(event.getLink()).onClose(event.getLink());
                break;
            default:
                break;
        }
    }

    private static final LinkHandler NONE = new LinkHandler() {
    };

    private static LinkHandler handler(Link link) {
        Object context = link.getContext();
        return context instanceof LinkHandler ? (LinkHandler) context : NONE;
    }

    /** Event loop only. */
    Session session() {
        Session session = connection.session();
        session.open();
        return session;
    }

    /** Event loop only: starts an unsettled transfer of already encoded bytes. */
    Delivery send(Sender sender, byte[] encoded) {
        long tag = ++tags;
        byte[] tagBytes = new byte[]{(byte) (tag >>> 56), (byte) (tag >>> 48), (byte) (tag >>> 40), (byte) (tag >>> 32),
                (byte) (tag >>> 24), (byte) (tag >>> 16), (byte) (tag >>> 8), (byte) tag};
        Delivery delivery = sender.delivery(tagBytes);
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        return delivery;
    }

    void close() {
        if (channel == null) {
            return;
        }
        run(() -> {
            if (connection.getLocalState() != EndpointState.CLOSED) {
                connection.close();
            }
        });
        channel.eventLoop().execute(channel::close);
    }

    /** The probe's encoder (module probe): the bench and the tests encode messages one way. */
    static byte[] encode(Message message) {
        return ProbeConnection.encode(message);
    }

    /**
     * The client half of {@code $cbs}: a sender and a receiver on a session of their own (as the Java device SDK does);
     * the future completes with the reply's {@code status-code}. Event loop only.
     */
    CompletableFuture<Integer> putToken(String audience, String token) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Session session = session();
        // The put-token request as the probe builds it (the Java SDKs' shape).
        byte[] encoded = encode(CbsProbe.putTokenRequest(UUID.randomUUID(),
                CbsProbe.putTokenProperties(CbsProbe.SERVICEBUS_SAS, audience), token));
        Links.receiver(session, "cbs-receiver", Links.source("$cbs"), 1, new LinkHandler() {
            @Override
            public void onDelivery(Delivery delivery) {
                Message reply = Links.read(delivery);
                if (reply != null) {
                    Links.accept(delivery);
                    Object code = reply.getApplicationProperties().getValue().get("status-code");
                    status.complete(code instanceof Number ? ((Number) code).intValue() : -1);
                }
            }

            @Override
            public void onClose(Link link) {
                status.completeExceptionally(new IllegalStateException("$cbs receiver closed: " + link.getRemoteCondition()));
            }
        });
        boolean[] sent = new boolean[1];
        Links.sender(session, "cbs-sender", "$cbs", new LinkHandler() {
            @Override
            public void onFlow(Link link) {
                if (!sent[0] && link.getCredit() > 0) {
                    sent[0] = true;
                    send((Sender) link, encoded);
                }
            }

            @Override
            public void onDelivery(Delivery delivery) {
                if (delivery.getRemoteState() != null || delivery.remotelySettled()) {
                    delivery.settle();
                }
            }

            @Override
            public void onClose(Link link) {
                status.completeExceptionally(new IllegalStateException("$cbs sender closed: " + link.getRemoteCondition()));
            }
        });
        return status;
    }

    /** From any thread: the device's token put on {@code $cbs} (the audience {@code 127.0.0.1/devices/{id}}); throws unless 200. */
    void putDeviceToken(dev.hubsim.HubSimulator hub, String deviceId) throws Exception {
        String token = hub.deviceToken(deviceId, java.time.Duration.ofHours(4));
        int status = call(() -> putToken("127.0.0.1/devices/" + deviceId, token), 10);
        if (status != 200) {
            throw new IllegalStateException("put-token for " + deviceId + ": status " + status);
        }
    }

    static Binary binary(String text) {
        return new Binary(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Binary bytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return new Binary(b);
    }

    /** Runs {@code body} on the event loop and waits for the future it returns. */
    <T> T call(java.util.function.Supplier<CompletableFuture<T>> body, long timeoutSeconds) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(() -> body.get().whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(v);
            }
        }));
        return result.get(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS);
    }


}
