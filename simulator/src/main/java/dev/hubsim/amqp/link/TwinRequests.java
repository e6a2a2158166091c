package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;
import dev.hubsim.throttling.Refusal;
import dev.hubsim.throttling.Throttling;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinState;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The hub end of the client's twin sender (reference/iothub-twin-methods-mqtt.md §1.2-§1.6): every request is settled
 * Accepted at once (Java holds all twin traffic until its subscription PUT is settled), then answered on the channel:
 * GET 200 with {@code {"desired","reported"}}, PATCH of reported properties 204 with the new reported version, PUT and
 * DELETE of the desired notifications 200; a request the hub cannot serve gets 400 (404 for a twin that no longer
 * exists) with a JSON body naming the problem, and one log line.
 */
final class TwinRequests extends RequestLinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TwinRequests.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** IoT Hub's numeric codes in error bodies (reference §5.6). */
    private static final int ARGUMENT_INVALID = 400004;
    private static final int NOT_FOUND = 404001;

    private final LinkHost connection;
    private final Receiver receiver;
    private final TwinChannel channel;

    TwinRequests(LinkHost connection, Receiver receiver, TwinChannel channel) {
        this.connection = connection;
        this.receiver = receiver;
        this.channel = channel;
    }

    @Override
    public void onMessage(Delivery delivery) {
        byte[] bytes = Deliveries.readComplete(receiver, delivery);
        if (bytes == null) {
            return;
        }
        Message request = decodeOrReject(bytes, delivery, "twin", connection);
        if (request != null) {
            boolean presettled = delivery.remotelySettled();
            if (!presettled) {
                delivery.disposition(Accepted.getInstance());
            }
            delivery.settle();
            if (presettled && deviates(Deviation.TWIN_PRESETTLED_PUT_UNANSWERED) && "PUT".equals(TwinMessages.annotation(request, TwinMessages.OPERATION))) {
                channel.subscribe();
            } else {
                throttled(request);
            }
        }
        connection.links().credit(receiver, LinkKind.CBS).settled();
        connection.flush();
    }

    /**
     * GET and PATCH are twin reads and updates for the tier's throttle: answered at once, when their turn comes, or with
     * status 429 (a basic tier: 403) and IoT Hub's code (reference/iothub-twin-methods-mqtt.md §7.2).
     */
    private void throttled(Message request) {
        String operation = TwinMessages.annotation(request, TwinMessages.OPERATION);
        Operation op = "GET".equals(operation) ? Operation.TWIN_READ : "PATCH".equals(operation) ? Operation.TWIN_UPDATE : null;
        long wait = op == null ? 0 : connection.hub().throttling().admit(op, channel.key().deviceId(), 1, 0);
        if (wait < 0) {
            Refusal refusal = Throttling.refusal(wait);
            channel.send(refused(request.getCorrelationId(), refusal.httpStatus(), refusal.errorCode(), refusal.describe(op)));
        } else if (wait > 0) {
            connection.hub().scheduler().schedule(() -> connection.runLater(() -> {
                channel.send(answer(request));
                connection.flush();
            }), wait, TimeUnit.NANOSECONDS);
        } else {
            channel.send(answer(request));
        }
    }

    private Message answer(Message request) {
        String operation = TwinMessages.annotation(request, TwinMessages.OPERATION);
        String resource = TwinMessages.annotation(request, TwinMessages.RESOURCE);
        Object correlationId = request.getCorrelationId();
        try {
            if ("GET".equals(operation) && (resource == null || resource.isEmpty())) {
                TwinState twin = connection.hub().twins().get(channel.key());
                return ok(correlationId, 200, null, twin.deviceView().toString().getBytes(StandardCharsets.UTF_8));
            }
            if ("PATCH".equals(operation) && TwinMessages.REPORTED.equals(resource)) {
                if (deviates(Deviation.TWIN_NULL_VERSION_REFUSED) && TwinMessages.hasNullAnnotation(request, TwinMessages.VERSION)) {
                    return refused(correlationId, 400, ARGUMENT_INVALID, "The version annotation must be an integer");
                }
                TwinState twin = connection.hub().twins().patchReported(channel.key(), parse(TwinMessages.body(request)));
                return ok(correlationId, 204, twin.reportedVersion(), null);
            }
            if (("PUT".equals(operation) || "DELETE".equals(operation)) && TwinMessages.NOTIFICATIONS.equals(resource)) {
                connection.hub().twins().get(channel.key());
                if ("PUT".equals(operation) && channel.subscribed() && deviates(Deviation.TWIN_REPEATED_PUT_REFUSED)) {
                    return refused(correlationId, 400, ARGUMENT_INVALID, "The channel is already subscribed to desired properties");
                }
                if ("PUT".equals(operation)) {
                    channel.subscribe();
                } else {
                    channel.unsubscribe();
                }
                return ok(correlationId, 200, null, null);
            }
            return refused(correlationId, 400, ARGUMENT_INVALID, "Unknown twin operation '" + operation + "' on resource '" + resource
                    + "': the hub serves GET, PATCH " + TwinMessages.REPORTED + ", PUT and DELETE " + TwinMessages.NOTIFICATIONS);
        } catch (TwinException e) {
            return e.reason() == TwinException.Reason.NOT_FOUND ? refused(correlationId, 404, NOT_FOUND, e.getMessage())
                    : refused(correlationId, 400, ARGUMENT_INVALID, e.getMessage());
        }
    }

    private boolean deviates(Deviation deviation) {
        return connection.hub().deviations().contains(deviation);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new TwinException(TwinException.Reason.INVALID, "The reported properties patch is empty; send a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new TwinException(TwinException.Reason.INVALID, "The reported properties patch is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private Message ok(Object correlationId, int status, Long version, byte[] body) {
        return TwinMessages.response(correlationId, status, version, body, connection.hub().deviations());
    }

    private Message refused(Object correlationId, int status, int errorCode, String message) {
        LOG.info("twin request of {} from {} answered {}: {}", channel.key(), connection.getRemoteAddress(), status, message);
        return TwinMessages.response(correlationId, status, null, TwinMessages.error(errorCode, message), connection.hub().deviations());
    }

    @Override
    public void close(boolean remoteLinkClose) {
        channel.linkClosed();
    }

    @Override
    public void close(org.apache.qpid.proton.amqp.transport.ErrorCondition condition) {
        channel.linkClosed();
    }
}
