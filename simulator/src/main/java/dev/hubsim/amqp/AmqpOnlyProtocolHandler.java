package dev.hubsim.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.apache.activemq.artemis.core.protocol.ProtocolHandler;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Artemis 2.55.0 sniffs HTTP on every acceptor before any protocol sees the bytes and hands such a socket to its core
 * HTTP transport, which keeps it open unanswered for ever. On the AMQP ports a request that starts like HTTP is closed
 * at once instead; everything else goes to Artemis' own decoder untouched. (The WebSocket acceptor keeps HTTP.)
 */
final class AmqpOnlyProtocolHandler extends ProtocolHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpOnlyProtocolHandler.class);
    private static final List<String> HTTP_STARTS = List.of("GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PATC", "TRAC", "CONN");

    private final ProtocolHandler stock;

    AmqpOnlyProtocolHandler(ProtocolHandler stock, NettyAcceptor acceptor, ScheduledExecutorService scheduledPool) {
        super(stock.getProtocolMap(), acceptor, scheduledPool);
        this.stock = stock;
    }

    /**
     * Replaces the acceptor's protocol handler (a private field, read for every new channel): a reflective hook, covered
     * by {@code WireFuzzTest}; re-check on an Artemis upgrade.
     */
    static void install(NettyAcceptor acceptor, ScheduledExecutorService scheduledPool) {
        try {
            java.lang.reflect.Field field = NettyAcceptor.class.getDeclaredField("protocolHandler");
            field.setAccessible(true);
            field.set(acceptor, new AmqpOnlyProtocolHandler((ProtocolHandler) field.get(acceptor), acceptor, scheduledPool));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot guard acceptor " + acceptor.getName() + " against HTTP (Artemis changed?)", e);
        }
    }

    @Override
    public ChannelHandler getProtocolDecoder() {
        ChannelHandler decoder = stock.getProtocolDecoder();
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new NotHttp(), decoder);
            }
        };
    }

    /** Waits for four bytes; closes the socket if they start an HTTP request, else steps aside with the bytes. */
    private static final class NotHttp extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 4) {
                return;
            }
            String start = in.toString(in.readerIndex(), 4, StandardCharsets.US_ASCII);
            if (HTTP_STARTS.contains(start)) {
                LOG.info("closed connection from {}: HTTP on an AMQP port", ctx.channel().remoteAddress());
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this); // hands the bytes read so far to Artemis' decoder
        }
    }
}
