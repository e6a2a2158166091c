package dev.hubsim.amqp.link;

import dev.hubsim.limits.LinkKind;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodTarget;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The device's method-answer sender (reference/iothub-twin-methods-mqtt.md §2.3): {@code correlation-id} echoing the
 * request (a {@code uuid}, or its text), application property {@code IoThub-status} ({@code int}; other integer types
 * are read too), and the JSON payload in a Data section (or none). Settled or not, each answer is Accepted; an answer
 * for no waiting call is dropped, as Edge Hub does; one without a readable correlation id or status is Rejected
 * {@code amqp:decode-error} with the reason. Credit follows the {@code cbs} credit policy.
 */
final class MethodResponseLink extends RequestLinkHandler {
    static final String STATUS = "IoThub-status";
    private static final Logger LOG = LoggerFactory.getLogger(MethodResponseLink.class);

    private final LinkHost connection;
    private final Receiver receiver;
    private final DirectMethods methods;
    private final MethodTarget target;

    MethodResponseLink(LinkHost connection, Receiver receiver, DirectMethods methods, MethodTarget target) {
        this.connection = connection;
        this.receiver = receiver;
        this.methods = methods;
        this.target = target;
    }

    void open() {
        receiver.setSource(receiver.getRemoteSource());
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setMaxMessageSize(UnsignedLong.valueOf(DirectMethods.MAX_PAYLOAD_BYTES + 16 * 1024));
        receiver.setContext(this);
        receiver.open();
        connection.links().credit(receiver, LinkKind.CBS).start();
        connection.flush();
    }

    @Override
    public void onMessage(Delivery delivery) {
        byte[] bytes = Deliveries.readComplete(receiver, delivery);
        if (bytes == null) {
            return;
        }
        Message answer = decodeOrReject(bytes, delivery, "method response", connection);
        if (answer != null && delivery.remotelySettled()
                && connection.hub().deviations().contains(dev.hubsim.faults.Deviation.METHOD_PRESETTLED_ANSWER_DROPPED)) {
            delivery.settle();
        } else if (answer != null) {
            String problem = deliver(answer);
            if (problem != null) {
                LOG.info("rejected a method answer from '{}' ({}): {}", target, connection.getRemoteAddress(), problem);
                Rejected rejected = new Rejected();
                rejected.setError(new ErrorCondition(AmqpErrors.symbol(dev.hubsim.errors.Condition.DECODE_ERROR), problem));
                delivery.disposition(rejected);
            } else if (!delivery.remotelySettled()) {
                delivery.disposition(Accepted.getInstance());
            }
            delivery.settle();
        }
        connection.links().credit(receiver, LinkKind.CBS).settled();
        connection.flush();
    }

    /** Hands the answer to the waiting call; the reason it cannot be read, or null. */
    private String deliver(Message answer) {
        Object correlation = answer.getCorrelationId();
        UUID requestId;
        try {
            requestId = correlation instanceof UUID u ? u : UUID.fromString(String.valueOf(correlation));
        } catch (IllegalArgumentException e) {
            return "The method response's correlation-id '" + correlation + "' is not the request's UUID.";
        }
        Map<?, ?> properties = answer.getApplicationProperties() == null ? Map.of() : answer.getApplicationProperties().getValue();
        Object status = properties.get(STATUS);
        if (!(status instanceof Number number) || number.longValue() != number.intValue()) {
            return "The method response has no " + STATUS + " application property of type int (it has " + status + ").";
        }
        methods.respond(requestId, number.intValue(), body(answer));
        return null;
    }

    private static byte[] body(Message answer) {
        if (answer.getBody() instanceof Data data) {
            Binary b = data.getValue();
            return java.util.Arrays.copyOfRange(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
        }
        if (answer.getBody() instanceof AmqpValue value && value.getValue() instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }
}
