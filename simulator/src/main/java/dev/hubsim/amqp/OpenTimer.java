package dev.hubsim.amqp;

import dev.hubsim.trace.TraceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Closes a socket that sent its protocol header but no AMQP Open in time: Artemis' idle timeout only starts at the Open. */
final class OpenTimer {
    private static final Logger LOG = LoggerFactory.getLogger(OpenTimer.class);

    private final HubConnectionContext connection;
    private final long timeoutMs;
    private final ScheduledFuture<?> timer;
    private volatile boolean opened;

    OpenTimer(HubConnectionContext connection) {
        this.connection = connection;
        this.timeoutMs = connection.hub().openTimeout().toMillis();
        this.timer = connection.hub().scheduler().schedule(() -> connection.runLater(this::timedOut), timeoutMs, TimeUnit.MILLISECONDS);
    }

    void opened() {
        opened = true;
    }

    void cancel() {
        timer.cancel(false);
    }

    private void timedOut() {
        if (opened || connection.released() || !connection.channel().isActive()) {
            return;
        }
        LOG.info("closed connection {} from {}: no AMQP Open within {} ms", connection.id(), connection.getRemoteAddress(), timeoutMs);
        connection.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.LIMIT, -1, null, Map.of("closed", "no open", "timeout-ms", timeoutMs));
        connection.channel().close();
    }
}
