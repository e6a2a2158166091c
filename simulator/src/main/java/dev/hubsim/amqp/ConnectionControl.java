package dev.hubsim.amqp;

import dev.hubsim.amqp.link.AmqpErrors;
import dev.hubsim.amqp.link.LinkCredit;
import dev.hubsim.amqp.link.LinkTable;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.connections.HubConnection;
import dev.hubsim.trace.TraceRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPSessionContext;
import org.apache.qpid.proton.engine.Receiver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An AMQP connection as fault injection, registry changes and the control API act on it (any thread): each request is
 * handed to the connection's event loop.
 */
final class ConnectionControl implements HubConnection {
    private final HubConnectionContext connection;

    ConnectionControl(HubConnectionContext connection) {
        this.connection = connection;
    }

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public Set<String> identities() {
        return connection.trace().identities();
    }

    /** A TCP reset (a fault): SO_LINGER 0 makes the close a reset, so the client sees the socket die. Any thread. */
    @Override
    public void reset() {
        connection.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null, Map.of("fault", "connection reset"));
        Channel channel = connection.channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    /** A Close with this condition (a fault). Any thread. */
    @Override
    public void close(String condition, String description) {
        connection.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.FAULT, -1, null,
                Map.of("fault", "connection closed", "condition", String.valueOf(condition)));
        connection.runLater(() -> {
            connection.close(AmqpErrors.error(condition, description));
            connection.flush();
        });
    }

    @Override
    public void expireClaims(String why) {
        connection.runLater(() -> {
            connection.recordFault(null, Map.of("fault", "claims expired now"));
            connection.claims().expireAll(why);
        });
    }

    @Override
    public void revokeDevice(String deviceId, String why) {
        connection.claims().revokeDevice(deviceId, why);
    }

    @Override
    public void revokeModule(String deviceId, String moduleId, String why) {
        connection.claims().revokeModule(deviceId, moduleId, why);
    }

    @Override
    public int changeCredit(Predicate<String> address, String tracePath, int credit, boolean set) {
        return onLoop(() -> {
            List<LinkCredit> targets = connection.links().credits(address);
            targets.forEach(c -> c.change(credit, set));
            if (!targets.isEmpty()) {
                connection.recordFault(tracePath, Map.of("fault", set ? "credit set" : "credit granted", "credit", credit, "links", targets.size()));
            }
            return targets.size();
        });
    }

    /** A snapshot for the control API: identities, claims, and each open link with its address, role and credit. */
    @Override
    public ConnectionInfo describe() {
        return onLoop(() -> {
            List<ConnectionInfo.LinkInfo> open = new ArrayList<>();
            for (AMQPSessionContext session : connection.getSessions().values()) {
                for (Receiver r : session.getReceivers().keySet()) {
                    open.add(new ConnectionInfo.LinkInfo(r.getName(), "client-sender", String.valueOf(LinkTable.targetAddress(r)), r.getCredit()));
                }
            }
            connection.links().describe(open);
            List<ConnectionInfo.ClaimInfo> held = new ArrayList<>();
            for (ConnectionClaims.Endpoint endpoint : ConnectionClaims.Endpoint.values()) {
                connection.claims().held(endpoint).forEach(c -> held.add(new ConnectionInfo.ClaimInfo(
                        endpoint == ConnectionClaims.Endpoint.HUB ? "hub" : "event-hub", c.audience().toString(), c.identity(), c.expiresAt().toString())));
            }
            return new ConnectionInfo(id(), connection.trace().remoteAddress(), identities(), connection.claims().size(),
                    connection.claims().timers(), open, held);
        });
    }

    /** Runs on the event loop and waits for the result (from a test or timer thread; on the loop it just runs). */
    private <T> T onLoop(Supplier<T> work) {
        if (connection.isHandler()) {
            return work.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        connection.runLater(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for connection " + id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("connection " + id() + " did not run the request", e);
        }
    }
}
