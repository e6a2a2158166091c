package dev.hubsim.amqp.link;

import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The connection's {@code $cbs} reply route. Replies go to the client's {@code $cbs} receiver on this connection
 * whatever {@code reply-to} says (the Java SDKs say "cbs", real-clients.md §5 item 4), pre-settled, as credit allows;
 * replies wait here while there is no receiver or no credit. Runs on the connection's event loop only.
 */
final class CbsReplies implements ProtonDeliveryHandler {
    private final LinkHost connection;
    private final Queue<byte[]> pending = new ArrayDeque<>();
    private Sender sender;
    private long nextTag;

    CbsReplies(LinkHost connection) {
        this.connection = connection;
    }

    CbsReplies attach(Sender newSender) {
        this.sender = newSender;
        return this;
    }

    void send(Message reply) {
        byte[] buffer = new byte[1024];
        int size;
        while (true) {
            try {
                size = reply.encode(buffer, 0, buffer.length);
                break;
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
        pending.add(java.util.Arrays.copyOf(buffer, size));
        drain();
    }

    private void drain() {
        if (sender == null) {
            return;
        }
        while (!pending.isEmpty() && sender.getCredit() > 0) {
            byte[] encoded = pending.poll();
            Delivery delivery = sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII));
            sender.send(encoded, 0, encoded.length);
            delivery.settle();
            sender.advance();
        }
        connection.flush();
    }

    @Override
    public void onFlow(int currentCredits, boolean drain) {
        drain();
        if (drain && sender != null) {
            sender.drained();
        }
    }

    @Override
    public void onMessage(Delivery delivery) {
        // The client never sends on its $cbs receiver; settle anything that arrives so nothing leaks.
        delivery.settle();
    }

    @Override
    public void close(boolean remoteLinkClose) {
        sender = null;
    }

    @Override
    public void close(ErrorCondition condition) {
        sender = null;
    }

}
