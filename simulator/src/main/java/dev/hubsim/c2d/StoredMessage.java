package dev.hubsim.c2d;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/** A cloud-to-device message in a device queue. Mutable state is guarded by the owning {@link DeviceQueue}. */
final class StoredMessage {
    /** Identity in the {@link C2dStore}. */
    final long id;
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

    StoredMessage(long id, long sequenceNumber, byte[] encoded, String messageId, String deviceId, String deviceGenerationId,
                  Instant enqueuedAt, Instant expiresAt, DeliveryAcknowledgement ack) {
        this.id = id;
        this.sequenceNumber = sequenceNumber;
        this.encoded = encoded;
        this.messageId = messageId;
        this.deviceId = deviceId;
        this.deviceGenerationId = deviceGenerationId;
        this.enqueuedAt = enqueuedAt;
        this.expiresAt = expiresAt;
        this.ack = ack;
    }

    C2dStore.StoredState state() {
        return new C2dStore.StoredState(id, sequenceNumber, deviceId, messageId, deviceGenerationId, enqueuedAt.toEpochMilli(),
                expiresAt.toEpochMilli(), ack, deliveryCount, encoded);
    }

    static StoredMessage from(C2dStore.StoredState s) {
        StoredMessage m = new StoredMessage(s.id(), s.sequenceNumber(), s.encoded(), s.messageId(), s.deviceId(), s.generationId(),
                Instant.ofEpochMilli(s.enqueuedAtMillis()), Instant.ofEpochMilli(s.expiresAtMillis()), s.ack());
        m.deliveryCount = s.deliveryCount();
        return m;
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
