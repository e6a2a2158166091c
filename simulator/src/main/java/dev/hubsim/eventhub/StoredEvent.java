package dev.hubsim.eventhub;



/**
 * One event in a partition, as the hub stored it: the complete encoded AMQP message (device properties, application
 * properties, the stamped {@code iothub-*} and {@code x-opt-*} annotations, body), and its position.
 *
 * @param sequenceNumber  {@code x-opt-sequence-number}: 0, 1, 2, ... per partition
 * @param offset          {@code x-opt-offset} as a number: the byte position of the event in the partition's stream
 * @param enqueuedTime    {@code x-opt-enqueued-time}, epoch milliseconds
 * @param deviceId        the sending device, kept beside the bytes so filtering by device needs no decoding
 * @param encoded         the AMQP message as delivered to Event Hub receivers
 */
public record StoredEvent(long sequenceNumber, long offset, long enqueuedTime, String deviceId, byte[] encoded) {

    /** Fixed overhead of one retained event besides its bytes (record, array header, device-id reference). */
    public long approximateSize() {
        return 64L + encoded.length;
    }
}
