package dev.hubsim.telemetry;

import dev.hubsim.auth.Claim;
import dev.hubsim.auth.ConnectionClaims;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.errors.Condition;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.eventhub.EventStore;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceRegistry;
import dev.hubsim.registry.Permission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Device-to-cloud messages into the hub, whatever the face: the size limit, the claim and the device checked for each
 * message (a claim may lapse or a device be disabled after attach), the anti-spoofing stamp (reference/iothub-amqp.md
 * §6.1), and the device's partition of the Event Hub-compatible endpoint, which numbers the event. The face encodes:
 * stored events are in its wire format, built by the {@link Encoder} it passes once the position is known.
 */
public final class TelemetryIngest {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryIngest.class);

    /** Builds the stored bytes of one message with the hub's stamp applied. Runs under the partition's lock. */
    @FunctionalInterface
    public interface Encoder {
        byte[] encode(Stamp stamp);
    }

    /**
     * What the hub stamps on one message: who sent it and how they authenticated ({@code iothub-connection-*}), and its
     * place in the partition ({@code x-opt-*}); {@code iothub-enqueuedtime} equals {@code x-opt-enqueued-time}.
     *
     * @param moduleId     null for a device's own messages (the face then removes any module annotation the device sent)
     * @param authMethod   the {@code iothub-connection-auth-method} JSON
     * @param enqueuedTime epoch milliseconds
     */
    public record Stamp(String deviceId, String moduleId, String authMethod, String generationId, long sequenceNumber, long offset,
                        long enqueuedTime) {
        public String messageSource() {
            return TelemetryAnnotations.SOURCE_TELEMETRY;
        }
    }

    /** Stored, with its position; or refused with the condition to answer. */
    public sealed interface Result {
        record Stored(StoredEvent event) implements Result {
        }

        record Refused(Condition condition, String description) implements Result {
        }
    }

    private final DeviceRegistry registry;
    private final EventStore store;
    private final Limits limits;

    public TelemetryIngest(DeviceRegistry registry, EventStore store, Limits limits) {
        this.registry = registry;
        this.store = store;
        this.limits = limits;
    }

    /** The size limit, checked as the message arrives (before faults and delays); null when it may go on. */
    public Result.Refused checkSize(long size, String address) {
        if (limits.check(LimitKind.D2C_MESSAGE_BYTES, size, address) == Limits.Verdict.REFUSE) {
            return new Result.Refused(Condition.MESSAGE_SIZE_EXCEEDED, HubErrors.d2cTooLarge(size, limits.value(LimitKind.D2C_MESSAGE_BYTES)));
        }
        return null;
    }

    /**
     * Checks the connection still holds a claim covering {@code resource} and the device is enabled, then stamps and
     * stores the message in the device's partition.
     *
     * @param address the link or topic the message came on, for the refusal text
     */
    public Result ingest(ConnectionClaims claims, String deviceId, String moduleId, ResourceUri resource, String address, Encoder encoder) {
        return ingest(claims, deviceId, moduleId, resource, address, List.of(encoder));
    }

    /**
     * The same for the messages of one batch: one check of claim and device, then each message stored as its own
     * event, in order; the result names the last.
     */
    public Result ingest(ConnectionClaims claims, String deviceId, String moduleId, ResourceUri resource, String address,
                         List<Encoder> encoders) {
        Claim claim = claims.covering(ConnectionClaims.Endpoint.HUB, Permission.DEVICE_CONNECT, resource).orElse(null);
        Device device = registry.device(deviceId).orElse(null);
        if (claim == null || device == null || !device.enabled()) {
            return new Result.Refused(Condition.UNAUTHORIZED_ACCESS, claim == null
                    ? "The claim for '" + address + "' has expired; put a new token on $cbs."
                    : HubErrors.deviceDisabled(deviceId));
        }
        String authMethod = claim.authMethodJson();
        String generationId = device.generationId();
        try {
            StoredEvent event = null;
            for (Encoder encoder : encoders) {
                event = store.partitionFor(deviceId).append(deviceId, (sequence, offset, time) ->
                        encoder.encode(new Stamp(deviceId, moduleId, authMethod, generationId, sequence, offset, time)));
            }
            return new Result.Stored(event);
        } catch (RuntimeException e) {
            LOG.warn("could not store telemetry of device '{}': {}", deviceId, e.toString());
            return new Result.Refused(Condition.INTERNAL_ERROR, "The hub could not store the message: " + e.getMessage());
        }
    }
}
