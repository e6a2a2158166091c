package dev.hubsim.codec;

import dev.hubsim.c2d.Lease;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A leased message as a device receives it (reference/iothub-amqp.md §7.3): the service's message with the lock
 * token, delivery count, sequence number and enqueued time added as message annotations.
 */
public final class DeviceBoundMessage {
    public static final Symbol LOCK_TOKEN = Symbol.valueOf("x-opt-lock-token");
    public static final Symbol DELIVERY_COUNT = Symbol.valueOf("iothub-deliverycount");
    public static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    public static final Symbol ENQUEUED_TIME = Symbol.valueOf("iothub-enqueuedtime");

    private DeviceBoundMessage() {
    }

    public static byte[] render(Lease lease) {
        Message message = Proton.message();
        message.decode(lease.encoded(), 0, lease.encoded().length);
        Map<Symbol, Object> annotations = new HashMap<>();
        if (message.getMessageAnnotations() != null) {
            annotations.putAll(message.getMessageAnnotations().getValue());
        }
        annotations.put(LOCK_TOKEN, lease.lockToken().toString());
        annotations.put(DELIVERY_COUNT, UnsignedByte.valueOf((byte) lease.deliveryCount()));
        annotations.put(SEQUENCE_NUMBER, UnsignedLong.valueOf(lease.sequenceNumber()));
        annotations.put(ENQUEUED_TIME, new Date(lease.enqueuedAt().toEpochMilli()));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        Header header = message.getHeader() == null ? new Header() : message.getHeader();
        header.setDeliveryCount(UnsignedInteger.valueOf(lease.deliveryCount()));
        message.setHeader(header);
        return Messages.encode(message);
    }

    /** The lock token as a delivery tag: 16 bytes in .NET {@code Guid.ToByteArray()} order, which the .NET SDK reads back. */
    public static byte[] deliveryTag(UUID lockToken) {
        ByteBuffer out = ByteBuffer.allocate(16);
        long msb = lockToken.getMostSignificantBits();
        out.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        out.order(ByteOrder.BIG_ENDIAN).putLong(lockToken.getLeastSignificantBits());
        return out.array();
    }
}
