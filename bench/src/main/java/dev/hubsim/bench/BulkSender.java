package dev.hubsim.bench;

import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;

import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code total} copies of one encoded message, unsettled, as fast as credit allows once started, and counts the
 * server's outcomes: {@link #done} completes (with the time) when every transfer is settled.
 */
final class BulkSender implements AmqpClient.LinkHandler {
    final CompletableFuture<Link> attached = new CompletableFuture<>();
    final CompletableFuture<Long> done = new CompletableFuture<>();
    private final AmqpClient client;
    private final byte[] encoded;
    private final int total;
    private Sender sender;
    private boolean started;
    private int sent;
    private int settled;
    int notAccepted;

    BulkSender(AmqpClient client, byte[] encoded, int total) {
        this.client = client;
        this.encoded = encoded;
        this.total = total;
    }

    /** Event loop only. */
    void attach(String address) {
        sender = Links.sender(client.session(), "bench-sender", address, this);
    }

    /** Starts sending; from any thread. */
    void start() {
        client.run(() -> {
            started = true;
            fill();
        });
    }

    private void fill() {
        while (started && sent < total && sender.getCredit() > 0) {
            client.send(sender, encoded);
            sent++;
        }
    }

    @Override
    public void onOpen(Link link) {
        if (link.getRemoteTarget() != null) {
            attached.complete(link);
        }
    }

    @Override
    public void onFlow(Link link) {
        fill();
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (delivery.getRemoteState() == null && !delivery.remotelySettled()) {
            return;
        }
        if (!(delivery.getRemoteState() instanceof Accepted)) {
            notAccepted++;
        }
        delivery.settle();
        if (++settled == total) {
            done.complete(System.nanoTime());
        }
    }

    @Override
    public void onClose(Link link) {
        IllegalStateException e = new IllegalStateException("sender closed by the server: " + link.getRemoteCondition());
        attached.completeExceptionally(e);
        done.completeExceptionally(e);
    }
}
