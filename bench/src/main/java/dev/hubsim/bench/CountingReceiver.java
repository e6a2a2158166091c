package dev.hubsim.bench;

import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;

import java.util.concurrent.CompletableFuture;

/**
 * Receives {@code total} messages with a credit window of {@code credit} (topped up when half is used), accepting
 * and settling each; {@link #done} completes with the time of the last.
 */
final class CountingReceiver implements AmqpClient.LinkHandler {
    final CompletableFuture<Link> attached = new CompletableFuture<>();
    final CompletableFuture<Long> done = new CompletableFuture<>();
    private final int total;
    private final int credit;
    int received;

    CountingReceiver(int total, int credit) {
        this.total = total;
        this.credit = credit;
    }

    @Override
    public void onOpen(Link link) {
        if (link.getRemoteSource() != null) {
            attached.complete(link);
        }
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (!delivery.isReadable() || delivery.isPartial()) {
            return;
        }
        Receiver receiver = (Receiver) delivery.getLink();
        // The bytes are read and dropped: the figure is the endpoint's delivery rate, not the client's decoding.
        byte[] scratch = new byte[delivery.pending()];
        receiver.recv(scratch, 0, scratch.length);
        receiver.advance();
        Links.accept(delivery);
        if (++received == total) {
            done.complete(System.nanoTime());
        }
        if (receiver.getCredit() < credit / 2) {
            receiver.flow(credit - receiver.getCredit());
        }
    }

    @Override
    public void onClose(Link link) {
        IllegalStateException e = new IllegalStateException("receiver closed by the server: " + link.getRemoteCondition());
        attached.completeExceptionally(e);
        done.completeExceptionally(e);
    }
}
