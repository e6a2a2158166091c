package dev.hubsim.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One browser's live stream, a WebSocket on {@code /hubsim/ui/stream}. The browser's first message carries the token
 * ({@code {"authorization":"SharedAccessSignature ..."}}), so no secret travels in a URL; until the token is granted
 * nothing else is read or sent, and the stream closes when the token expires (the page reconnects with a fresh one).
 * Later messages pick the connection whose trace records to stream ({@code {"watch":"c3"}}, answered with
 * {@code {"type":"watching","connection":"c3"}}).
 */
public final class ConsoleStream extends SimpleChannelInboundHandler<TextWebSocketFrame> implements ConsoleFeed.Subscriber {
    public static final String PATH = "/hubsim/ui/stream";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleStream.class);
    /** Close codes from the private range: refused login, token expired, no login in time. */
    static final int REFUSED = 4401;
    static final int EXPIRED = 4403;
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);
    /** Notices are coalesced over this long, so a burst of frames asks the page to refetch once. */
    static final long NOTICE_DELAY_MS = 150;
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final ConsoleFeed feed;
    private final OwnerCheck owner;
    private final Set<String> pendingNotices = new LinkedHashSet<>();
    private volatile ChannelHandlerContext ctx;
    private volatile String watched;
    private boolean granted;
    private ScheduledFuture<?> timer;
    private long dropped;

    private ConsoleStream(ConsoleFeed feed, OwnerCheck owner) {
        this.feed = feed;
        this.owner = owner;
    }

    /** Turns a connection whose first request head asked to upgrade on {@link #PATH} into a console stream. */
    public static void install(ChannelPipeline pipeline, String after, ConsoleFeed feed, OwnerCheck owner) {
        pipeline.addAfter(after, "console-http", new HttpServerCodec());
        pipeline.addAfter("console-http", "console-aggregator", new HttpObjectAggregator(MAX_MESSAGE_BYTES));
        pipeline.addAfter("console-aggregator", "console-websocket", new WebSocketServerProtocolHandler(PATH, null, false, MAX_MESSAGE_BYTES));
        pipeline.addAfter("console-websocket", "console-stream", new ConsoleStream(feed, owner));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        timer = context.executor().schedule(() -> close(REFUSED, "no login within " + LOGIN_TIMEOUT.toSeconds() + " s"),
                LOGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, TextWebSocketFrame frame) {
        JsonNode message;
        try {
            message = ConsoleFeed.JSON.readTree(frame.text());
        } catch (java.io.IOException e) {
            close(1003, "messages are JSON objects");
            return;
        }
        if (!granted) {
            login(message.path("authorization").asText(null));
        } else if (message.has("watch")) {
            watched = message.get("watch").isNull() ? null : message.get("watch").asText();
            // Records written from now on reach the page; it fetched (or will fetch) the ones before.
            send(ConsoleFeed.JSON.createObjectNode().put("type", "watching").put("connection", watched).toString());
        }
    }

    private void login(String authorization) {
        OwnerCheck.Verdict verdict = owner.check(authorization);
        timer.cancel(false);
        if (!verdict.granted()) {
            LOG.info("console stream from {} refused: {}", ctx.channel().remoteAddress(), verdict.refusal());
            send(ConsoleFeed.JSON.createObjectNode().put("type", "refused").put("reason", verdict.refusal()).toString());
            close(REFUSED, "login refused");
            return;
        }
        granted = true;
        long untilExpiry = Math.max(0, verdict.validFor().toMillis());
        timer = ctx.executor().schedule(() -> close(EXPIRED, "the token expired"), untilExpiry, TimeUnit.MILLISECONDS);
        send(ConsoleFeed.JSON.createObjectNode().put("type", "ready").put("expiresAt", verdict.expiresAt().toString()).toString());
        feed.add(this);
    }

    @Override
    public String watchedConnection() {
        return watched;
    }

    /** From any thread: Netty queues the write on the channel's loop; a browser that does not keep up loses events. */
    @Override
    public void send(String json) {
        if (!ctx.channel().isWritable()) {
            if (dropped++ % 1000 == 0) {
                LOG.warn("console stream to {} is not keeping up: {} events dropped", ctx.channel().remoteAddress(), dropped);
            }
            return;
        }
        ctx.writeAndFlush(new TextWebSocketFrame(json));
    }

    @Override
    public void notice(String type) {
        synchronized (pendingNotices) {
            if (!pendingNotices.add(type) || pendingNotices.size() > 1) {
                return;
            }
        }
        ctx.executor().schedule(this::flushNotices, NOTICE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    private void flushNotices() {
        Set<String> due;
        synchronized (pendingNotices) {
            due = Set.copyOf(pendingNotices);
            pendingNotices.clear();
        }
        due.forEach(t -> send("{\"type\":\"" + t + "\"}"));
    }

    private void close(int code, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        feed.remove(this);
        if (timer != null) {
            timer.cancel(false);
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("console stream from {} failed: {}", context.channel().remoteAddress(), cause.getMessage());
        context.close();
    }
}
