package dev.hubsim.amqp;

import org.apache.qpid.proton.engine.Endpoint;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The fault that holds the hub's answer to a Begin or an Attach (Faults.holdAnswers): the remote open is set aside and
 * replayed on the connection's loop after the delay, so a client that reports OPEN before the answer is caught.
 */
final class HeldAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(HeldAnswers.class);

    /** The step that answers the open; replayed once the hold is over. */
    interface Answer {
        void run() throws Exception;
    }

    private final HubConnectionContext connection;
    private final Set<Endpoint> replaying = new HashSet<>();

    HeldAnswers(HubConnectionContext connection) {
        this.connection = connection;
    }

    /** True when the answer to {@code endpoint} is held (it runs later); false when it must be answered now. */
    boolean hold(Endpoint endpoint, String address, Answer answer) {
        if (replaying.remove(endpoint)) {
            return false;
        }
        Duration delay = connection.hub().faults().answerDelay(connection.id(), connection.trace().identities(), address);
        if (delay.isZero()) {
            return false;
        }
        String what = endpoint instanceof Session ? "begin" : "attach";
        connection.recordFault(address, Map.of("fault", what + " answer held", "ms", delay.toMillis()));
        connection.hub().scheduler().schedule(() -> connection.runLater(() -> {
            if (endpoint.getLocalState() != EndpointState.UNINITIALIZED || endpoint.getRemoteState() == EndpointState.CLOSED) {
                return; // closed by the client meanwhile
            }
            replaying.add(endpoint);
            try {
                answer.run();
            } catch (Exception e) {
                LOG.warn("held {} answer on connection {} failed: {}", what, connection.id(), e.toString());
            } finally {
                replaying.remove(endpoint);
            }
            connection.flush();
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }
}
