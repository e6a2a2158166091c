package dev.hubsim.c2d;

import java.time.Instant;
import java.util.UUID;

/**
 * A message handed to a device and locked for it until the device settles it or the lock times out.
 *
 * @param lockToken     identifies this delivery; the delivery tag and {@code x-opt-lock-token}
 * @param deliveryCount how many times the message was abandoned before this delivery
 */
public record Lease(UUID lockToken, String deviceId, long sequenceNumber, int deliveryCount, Instant enqueuedAt, byte[] encoded) {
}
