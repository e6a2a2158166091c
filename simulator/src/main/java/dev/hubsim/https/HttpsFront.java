package dev.hubsim.https;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import dev.hubsim.console.ConsoleStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.function.BiConsumer;

/**
 * The hub's one TLS port for HTTPS and AMQP over WebSockets (the SDKs hard-code 443 for both, real-clients.md §2.5,
 * §3.2): it reads the first HTTP request head of each connection, sends a WebSocket upgrade on
 * {@code /$iothub/websocket} (origin or absolute form) to the broker's WebSocket acceptor and everything else to the
 * HTTP server behind, then relays bytes both ways.
 */
final class HttpsFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsFront.class);
    static final String WEBSOCKET_PATH = "/$iothub/websocket";
    /** The longest request head read before routing; a larger one is refused. */
    static final int MAX_HEAD_BYTES = 32 * 1024;

    /** Named so a stuck loop is recognisable in a thread dump (and in the fuzzers' CPU checks). */
    private final EventLoopGroup group = new NioEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("hubsim-https-front"));
    private final InetSocketAddress websocketBackend;
    /** The HTTP server behind, started on first use: called on the event loop, so it must not block. */
    private final Supplier<CompletionStage<InetSocketAddress>> httpBackend;
    private final BiConsumer<ChannelPipeline, String> consoleStream;
    private Channel server;

    /** @param consoleStream installs the console's live stream after the named handler, for an upgrade on its path */
    public HttpsFront(InetSocketAddress websocketBackend, Supplier<CompletionStage<InetSocketAddress>> httpBackend,
                      BiConsumer<ChannelPipeline, String> consoleStream) {
        this.websocketBackend = websocketBackend;
        this.httpBackend = httpBackend;
        this.consoleStream = consoleStream;
    }

    /** Listens with this server context (the one the AMQPS acceptor uses); returns the port (the chosen one for 0). */
    public int start(String bindHost, int port, SSLContext tls) throws Exception {
        // The JDK engine: an OpenSSL binding on a user's class path may not match this Netty.
        SslContext ssl = new JdkSslContext(tls, false, null, IdentityCipherSuiteFilter.INSTANCE, ApplicationProtocolConfig.DISABLED,
                ClientAuth.NONE, new String[]{"TLSv1.2", "TLSv1.3"}, false);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Router());
                    }
                }).bind(bindHost, port).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Buffers the first request head, picks the backend, then turns into a relay. */
    private final class Router extends ChannelInboundHandlerAdapter {
        private ByteBuf head;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            head = ctx.alloc().buffer();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            head.writeBytes(in);
            in.release();
            int end = endOfHead(head);
            if (end < 0) {
                if (head.readableBytes() > MAX_HEAD_BYTES) {
                    refuse(ctx, "431 Request Header Fields Too Large");
                }
                return;
            }
            String text = head.toString(0, end, StandardCharsets.ISO_8859_1);
            if (ConsoleStream.PATH.equals(webSocketUpgradePath(text))) {
                // Served here, not relayed: the stream listens to the hub in this process.
                consoleStream.accept(ctx.pipeline(), ctx.name());
                ByteBuf buffered = head;
                head = null;
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(buffered);
                return;
            }
            ctx.channel().config().setAutoRead(false);
            if (isWebSocketUpgrade(text)) {
                relayTo(ctx, websocketBackend, "WebSocket");
                return;
            }
            httpBackend.get().whenComplete((backend, error) -> ctx.channel().eventLoop().execute(() -> {
                if (error != null) {
                    LOG.warn("the hub's HTTP server did not start: {}", error.toString());
                    refuse(ctx, "502 Bad Gateway");
                } else if (ctx.channel().isActive()) {
                    relayTo(ctx, backend, "HTTP");
                }
            }));
        }

        private void relayTo(ChannelHandlerContext ctx, InetSocketAddress backend, String what) {
            new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay(ctx.channel())).connect(backend).addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            LOG.warn("the hub's {} backend at {} is not reachable: {}", what, backend, f.cause().getMessage());
                            refuse(ctx, "502 Bad Gateway");
                            return;
                        }
                        Channel out = f.channel();
                        ByteBuf buffered = head;
                        head = null;
                        ctx.pipeline().replace(this, "relay", new Relay(out));
                        out.writeAndFlush(buffered);
                        ctx.channel().config().setAutoRead(true);
                    });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (head != null) {
                head.release();
                head = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTPS connection from {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        }

        private void refuse(ChannelHandlerContext ctx, String status) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    StandardCharsets.ISO_8859_1)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    static int endOfHead(ByteBuf buf) {
        for (int i = buf.readerIndex(); i + 3 < buf.writerIndex(); i++) {
            if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n' && buf.getByte(i + 2) == '\r' && buf.getByte(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** A GET for {@code /$iothub/websocket} (origin or absolute form, any query) that asks to upgrade to WebSocket. */
    static boolean isWebSocketUpgrade(String head) {
        String path = webSocketUpgradePath(head);
        return path != null && path.equalsIgnoreCase(WEBSOCKET_PATH);
    }

    /** The path (origin or absolute form, without query) of a GET that asks to upgrade to WebSocket, else null. */
    static String webSocketUpgradePath(String head) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 2 || !requestLine[0].equals("GET")) {
            return null;
        }
        String target = requestLine[1];
        int scheme = target.indexOf("://");
        if (scheme >= 0) {
            int slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("upgrade:") && line.contains("websocket")) {
                return path;
            }
        }
        return null;
    }

    /** Copies bytes to the other side, and closes it when this side closes. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
