package dev.hubsim.amqp;

import io.netty.channel.Channel;
import org.apache.qpid.proton.amqp.security.SaslCode;
import org.apache.qpid.proton.amqp.security.SaslFrameBody;
import org.apache.qpid.proton.amqp.security.SaslOutcome;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.engine.impl.ProtocolTracer;
import org.apache.qpid.proton.framing.TransportFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Sees every frame of the connection: hands it to the frame tracer when frame tracing is on, and once the hub has sent
 * a Close (or a failed SASL outcome) gives the peer {@link #CLOSE_TIMEOUT_MS} to answer before closing its socket.
 * Artemis waits for the peer's Close, and after some input errors (a performative Proton-J cannot classify, a string
 * that is not UTF-8) it sends a Close but never closes the socket; a hostile client would keep it for ever.
 */
final class CloseWatchdog implements ProtocolTracer {
    private static final Logger LOG = LoggerFactory.getLogger(CloseWatchdog.class);
    static final long CLOSE_TIMEOUT_MS = 2000;

    private final HubConnectionContext connection;
    private final FrameTracer frames;
    private boolean armed;

    /** @param frames the frame tracer, or null when frames are not traced */
    CloseWatchdog(HubConnectionContext connection, FrameTracer frames) {
        this.connection = connection;
        this.frames = frames;
    }

    @Override
    public void receivedFrame(TransportFrame frame) {
        if (frames != null) {
            frames.receivedFrame(frame);
        }
    }

    @Override
    public void sentFrame(TransportFrame frame) {
        if (frames != null) {
            frames.sentFrame(frame);
        }
        if (frame.getBody() instanceof Close close) {
            arm("no Close answered " + (close.getError() == null ? "" : close.getError().getCondition() + " "));
        }
    }

    @Override
    public void receivedSaslBody(SaslFrameBody body) {
        if (frames != null) {
            frames.receivedSaslBody(body);
        }
    }

    @Override
    public void sentSaslBody(SaslFrameBody body) {
        if (frames != null) {
            frames.sentSaslBody(body);
        }
        if (body instanceof SaslOutcome outcome && outcome.getCode() != SaslCode.OK) {
            arm("still open after SASL outcome " + outcome.getCode() + " ");
        }
    }

    @Override
    public void receivedHeader(String header) {
        if (frames != null) {
            frames.receivedHeader(header);
        }
    }

    @Override
    public void sentHeader(String header) {
        if (frames != null) {
            frames.sentHeader(header);
        }
    }

    private void arm(String why) {
        if (armed) {
            return;
        }
        armed = true;
        connection.hub().scheduler().schedule(() -> {
            Channel channel = connection.channel();
            if (channel.isActive()) {
                LOG.info("closed the socket of connection {} from {}: {}within {} ms", connection.id(), connection.getRemoteAddress(), why,
                        CLOSE_TIMEOUT_MS);
                channel.close();
            }
        }, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
}
