package dev.hubsim.c2d;

import java.time.Instant;

/**
 * A cloud-to-device message as a service sent it, in the face's terms decoded to what the hub acts on.
 *
 * @param to                  the {@code to} property ({@code /devices/{id}/messages/devicebound}), or null
 * @param messageId           the message id as text, or null
 * @param absoluteExpiryTime  the sender's expiry, or null
 * @param ack                 the {@code iothub-ack} application property as sent (any type), or null
 * @param encoded             the message as the device will receive it, before the hub's annotations
 * @param size                its size as IoT Hub counts it against the 64 KB limit (body, system property values,
 *                            application property names and values), never more than {@code encoded.length}
 */
public record C2dMessage(String to, String messageId, Instant absoluteExpiryTime, Object ack, byte[] encoded, long size) {
    /** The device {@code to} names, or null when it names none. */
    public String deviceId() {
        DeviceBoundAddress target = to == null ? null : DeviceBoundAddress.parse(to);
        return target == null ? null : target.deviceId();
    }
}
