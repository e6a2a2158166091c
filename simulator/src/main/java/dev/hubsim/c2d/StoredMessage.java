package dev.hubsim.c2d;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/** A cloud-to-device message in a device queue. Mutable state is guarded by the owning {@link DeviceQueue}. */
final class StoredMessage {
    final long sequenceNumber;
    final byte[] encoded;
    final String messageId;
    final String deviceId;
    final String deviceGenerationId;
    final Instant enqueuedAt;
    final Instant expiresAt;
    final DeliveryAcknowledgement ack;
    int deliveryCount;
    UUID lockToken;
    ScheduledFuture<?> lockTimer;
    ScheduledFuture<?> expiryTimer;

    StoredMessage(long sequenceNumber, byte[] encoded, String messageId, String deviceId, String deviceGenerationId,
                  Instant enqueuedAt, Instant expiresAt, DeliveryAcknowledgement ack) {
        this.sequenceNumber = sequenceNumber;
        this.encoded = encoded;
        this.messageId = messageId;
        this.deviceId = deviceId;
        this.deviceGenerationId = deviceGenerationId;
        this.enqueuedAt = enqueuedAt;
        this.expiresAt = expiresAt;
        this.ack = ack;
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    void cancelTimers() {
        if (lockTimer != null) {
            lockTimer.cancel(false);
            lockTimer = null;
        }
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }
}
