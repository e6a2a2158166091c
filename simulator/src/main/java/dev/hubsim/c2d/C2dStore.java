package dev.hubsim.c2d;

import java.util.List;

/**
 * Where cloud-to-device state survives a restart when persistence is on: queued messages with their delivery counts,
 * feedback records not yet batched, and feedback messages not yet taken. Locks are not kept: after a restart every
 * message is waiting again. Calls return once the change is durable.
 */
public interface C2dStore extends AutoCloseable {

    /** What a store held at start. */
    record Recovered(List<StoredState> messages, List<FeedbackRecordState> records, List<FeedbackMessageState> feedback, long lastId) {
        public static Recovered empty() {
            return new Recovered(List.of(), List.of(), List.of(), 0);
        }
    }

    record StoredState(long id, long sequenceNumber, String deviceId, String messageId, String generationId, long enqueuedAtMillis,
                       long expiresAtMillis, DeliveryAcknowledgement ack, int deliveryCount, byte[] encoded) {
    }

    record FeedbackRecordState(long id, FeedbackRecord record) {
    }

    record FeedbackMessageState(long id, byte[] encoded) {
    }

    Recovered load();

    void messageAdded(StoredState message);

    void deliveryCountChanged(long id, int deliveryCount);

    void messageRemoved(long id);

    /**
     * A message leaves its queue (completed, dead-lettered or purged) with its feedback record, or with none
     * ({@code feedback} null): one durable step, so a crash keeps both changes or neither. {@code stepId} is a fresh
     * identity for the step, distinct from every record's.
     */
    void messageSettled(long id, long stepId, FeedbackRecordState feedback);

    void feedbackRecordAdded(long id, FeedbackRecord record);

    /** A batch became a feedback message: its records go, the message stays until a service completes it. */
    void feedbackBatched(List<Long> recordIds, long messageId, byte[] encoded);

    void feedbackMessageRemoved(long id);

    @Override
    void close();

    /** No persistence: everything is lost on stop, as with a non-persistent broker. */
    C2dStore IN_MEMORY = new C2dStore() {
        @Override
        public Recovered load() {
            return Recovered.empty();
        }

        @Override
        public void messageAdded(StoredState message) {
        }

        @Override
        public void deliveryCountChanged(long id, int deliveryCount) {
        }

        @Override
        public void messageRemoved(long id) {
        }

        @Override
        public void messageSettled(long id, long stepId, FeedbackRecordState feedback) {
        }

        @Override
        public void feedbackRecordAdded(long id, FeedbackRecord record) {
        }

        @Override
        public void feedbackBatched(List<Long> recordIds, long messageId, byte[] encoded) {
        }

        @Override
        public void feedbackMessageRemoved(long id) {
        }

        @Override
        public void close() {
        }
    };
}
