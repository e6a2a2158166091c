package dev.hubsim.amqp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * After input the transport could not take (a frame Proton-J cannot classify, a broken SASL frame) the transport holds
 * an error and reads nothing more, but Artemis does not always close the socket. It is closed here, once what the
 * transport wrote (its Close, if any) has gone out.
 */
final class InputErrorClose {
    private static final Logger LOG = LoggerFactory.getLogger(InputErrorClose.class);
    static final long INPUT_ERROR_CLOSE_DELAY_MS = 200;

    private final HubConnectionContext connection;
    private boolean failed;

    InputErrorClose(HubConnectionContext connection) {
        this.connection = connection;
    }

    /** Called after each input buffer was handed to the transport. */
    void afterInput() {
        ErrorCondition error = connection.getHandler().getTransport().getCondition();
        if (error == null || failed) {
            return;
        }
        failed = true;
        LOG.info("closing connection {} from {} after unreadable input: {} {}", connection.id(), connection.getRemoteAddress(),
                error.getCondition(), error.getDescription());
        // The transport writes its Close on a later pass of the event loop; give it that, then close once flushed.
        Channel channel = connection.channel();
        channel.eventLoop().schedule(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE),
                INPUT_ERROR_CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
    }
}
