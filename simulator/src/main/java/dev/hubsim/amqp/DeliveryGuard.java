package dev.hubsim.amqp;

import dev.hubsim.amqp.link.AmqpErrors;
import dev.hubsim.amqp.link.LinkTable;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Protocol violations on incoming transfers, each detaching its link and traced: a delivery still in transit that grew
 * past what the link may hold (Proton-J buffers a delivery until its last frame, so without this a client could fill
 * the heap with one), and a transfer that arrived with no link credit ({@code amqp:link:transfer-limit-exceeded}).
 */
final class DeliveryGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryGuard.class);

    /** Marks an incoming delivery already checked, in its context (which nothing else sets on receiving links). */
    private static final Object CHECKED = new Object();

    private final HubConnectionContext connection;
    /** Deliveries checked whose context something else holds. */
    private final Set<Delivery> seen = Collections.newSetFromMap(new WeakHashMap<>());

    DeliveryGuard(HubConnectionContext connection) {
        this.connection = connection;
    }

    /** True when the delivery broke a rule and its link was detached; then it goes no further. */
    boolean refuses(Delivery delivery) {
        Link link = delivery.getLink();
        if (!(link instanceof Receiver receiver)) {
            return false;
        }
        if (!delivery.isPartial() && connection.links().isRequestLink(link) && delivery.available() > connection.links().partialCap(link)) {
            // A whole request over the max-message-size the request link advertises (it came in one read).
            long cap = connection.links().partialCap(link);
            String address = LinkTable.targetAddress(link);
            String description = "A delivery on '" + address + "' is " + delivery.available() + " bytes, over the " + cap
                    + " its max-message-size allows.";
            LOG.info("detached link '{}' on connection {} from {}: {}", link.getName(), connection.id(), connection.getRemoteAddress(), description);
            return violation(link, address, AmqpErrors.MESSAGE_SIZE_EXCEEDED, description,
                    Map.of("violation", "delivery too large", "bytes", delivery.available()));
        }
        if (delivery.isPartial() && delivery.available() > connection.links().partialCap(link)) {
            long cap = connection.links().partialCap(link);
            String address = LinkTable.targetAddress(link);
            String description = "A delivery on '" + address + "' grew past " + cap + " bytes before its last frame.";
            LOG.info("detached link '{}' on connection {} from {}: {}", link.getName(), connection.id(), connection.getRemoteAddress(), description);
            return violation(link, address, AmqpErrors.MESSAGE_SIZE_EXCEEDED, description,
                    Map.of("violation", "delivery too large", "bytes", delivery.available()));
        }
        if (firstSight(delivery) && receiver.getQueued() > receiver.getCredit()) {
            String address = LinkTable.targetAddress(link);
            String description = "A transfer arrived on '" + address + "' with no link credit.";
            LOG.info("protocol violation on connection {} from {}: {}", connection.id(), connection.getRemoteAddress(), description);
            return violation(link, address, AmqpErrors.TRANSFER_LIMIT_EXCEEDED, description,
                    Map.of("violation", "transfer without credit", "credit", receiver.getCredit(), "queued", receiver.getQueued()));
        }
        return false;
    }

    /** Whether this is the delivery's first transfer seen: its credit is checked once. */
    private boolean firstSight(Delivery delivery) {
        Object context = delivery.getContext();
        if (context == CHECKED) {
            return false;
        }
        if (context == null) {
            delivery.setContext(CHECKED);
            return true;
        }
        return seen.add(delivery);
    }

    private boolean violation(Link link, String address, Symbol condition, String description, Map<String, Object> fields) {
        connection.trace().record(TraceRecord.Direction.LOCAL, TraceRecord.FrameType.VIOLATION, -1, address, fields);
        connection.links().closeLink(link, new ErrorCondition(condition, description));
        connection.flush();
        return true;
    }
}
