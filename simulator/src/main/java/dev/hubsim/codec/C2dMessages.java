package dev.hubsim.codec;

import dev.hubsim.c2d.C2dMessage;
import dev.hubsim.c2d.DeliveryAcknowledgement;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.message.Message;

/** A service's cloud-to-device transfer, decoded to what the C2D engine acts on. */
public final class C2dMessages {
    private C2dMessages() {
    }

    /** Decodes the transfer's bytes; a RuntimeException when they are not an AMQP message. */
    public static C2dMessage decode(byte[] encoded) {
        Message message = Proton.message();
        message.decode(encoded, 0, encoded.length);
        return of(message, encoded);
    }

    /** From a message already decoded (or built, as the control API does) and its encoding. */
    public static C2dMessage of(Message message, byte[] encoded) {
        Object ack = message.getApplicationProperties() == null ? null
                : message.getApplicationProperties().getValue().get(DeliveryAcknowledgement.PROPERTY);
        return new C2dMessage(message.getAddress(), message.getMessageId() == null ? null : message.getMessageId().toString(),
                message.getProperties() == null || message.getProperties().getAbsoluteExpiryTime() == null ? null
                        : message.getProperties().getAbsoluteExpiryTime().toInstant(),
                ack, encoded, DocumentedSize.of(message));
    }

    /** Encodes a built message and decodes it for the engine in one step. */
    public static C2dMessage of(Message message) {
        return of(message, Messages.encode(message));
    }
}
