package dev.hubsim.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.c2d.C2dStore;
import dev.hubsim.c2d.DeliveryAcknowledgement;
import dev.hubsim.c2d.FeedbackRecord;
import org.apache.activemq.artemis.core.io.nio.NIOSequentialFileFactory;
import org.apache.activemq.artemis.core.journal.JournalLoadInformation;
import org.apache.activemq.artemis.core.journal.RecordInfo;
import org.apache.activemq.artemis.core.journal.impl.JournalImpl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cloud-to-device state in an Artemis journal of its own (the same append-only, crash-safe journal the broker keeps
 * its messages in), so queued messages and pending feedback survive a restart or a killed process.
 */
public final class JournalC2dStore implements C2dStore {
    private static final byte MESSAGE = 1;
    private static final byte DELIVERY_COUNT = 2;
    private static final byte FEEDBACK_RECORD = 3;
    private static final byte FEEDBACK_MESSAGE = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JournalImpl journal;

    public JournalC2dStore(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        NIOSequentialFileFactory files = new NIOSequentialFileFactory(dir.toFile(), true, 1);
        this.journal = new JournalImpl(1024 * 1024, 2, 2, 0, 0, files, "hubsim-c2d", "c2d", 1);
    }

    @Override
    public Recovered load() {
        List<RecordInfo> records = new ArrayList<>();
        JournalLoadInformation info;
        try {
            journal.start();
            info = journal.load(records, new ArrayList<>(), (tx, r, d) -> { });
        } catch (Exception e) {
            throw new IllegalStateException("the cloud-to-device journal cannot be read", e);
        }
        Map<Long, StoredState> messages = new LinkedHashMap<>();
        List<FeedbackRecordState> feedbackRecords = new ArrayList<>();
        List<FeedbackMessageState> feedbackMessages = new ArrayList<>();
        try {
            for (RecordInfo r : records) {
                switch (r.userRecordType) {
                    case MESSAGE -> messages.put(r.id, readMessage(r.id, r.data));
                    case DELIVERY_COUNT -> messages.computeIfPresent(r.id, (id, m) -> withCount(m, readInt(r.data)));
                    case FEEDBACK_RECORD -> feedbackRecords.add(new FeedbackRecordState(r.id, JSON.readValue(r.data, FeedbackRecord.class)));
                    case FEEDBACK_MESSAGE -> feedbackMessages.add(new FeedbackMessageState(r.id, r.data));
                    default -> throw new IOException("unknown record type " + r.userRecordType);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the cloud-to-device journal holds a record this version cannot read", e);
        }
        return new Recovered(List.copyOf(messages.values()), feedbackRecords, feedbackMessages, info.getMaxID());
    }

    @Override
    public void messageAdded(StoredState m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(m.encoded().length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(m.sequenceNumber());
            out.writeUTF(m.deviceId());
            out.writeUTF(m.messageId() == null ? "" : m.messageId());
            out.writeUTF(m.generationId());
            out.writeLong(m.enqueuedAtMillis());
            out.writeLong(m.expiresAtMillis());
            out.writeUTF(m.ack().name());
            out.writeInt(m.deliveryCount());
            out.writeInt(m.encoded().length);
            out.write(m.encoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        append(() -> journal.appendAddRecord(m.id(), MESSAGE, bytes.toByteArray(), true));
    }

    private static StoredState readMessage(long id, byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            long sequence = in.readLong();
            String device = in.readUTF();
            String messageId = in.readUTF();
            String generation = in.readUTF();
            long enqueued = in.readLong();
            long expires = in.readLong();
            DeliveryAcknowledgement ack = DeliveryAcknowledgement.valueOf(in.readUTF());
            int count = in.readInt();
            byte[] encoded = new byte[in.readInt()];
            in.readFully(encoded);
            return new StoredState(id, sequence, device, messageId.isEmpty() ? null : messageId, generation, enqueued, expires, ack, count, encoded);
        }
    }

    private static StoredState withCount(StoredState m, int count) {
        return new StoredState(m.id(), m.sequenceNumber(), m.deviceId(), m.messageId(), m.generationId(), m.enqueuedAtMillis(),
                m.expiresAtMillis(), m.ack(), count, m.encoded());
    }

    @Override
    public void deliveryCountChanged(long id, int deliveryCount) {
        append(() -> journal.appendUpdateRecord(id, DELIVERY_COUNT, new byte[]{(byte) (deliveryCount >>> 24), (byte) (deliveryCount >>> 16),
                (byte) (deliveryCount >>> 8), (byte) deliveryCount}, true));
    }

    private static int readInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    @Override
    public void messageRemoved(long id) {
        append(() -> journal.appendDeleteRecord(id, true));
    }

    @Override
    public void messageSettled(long id, long stepId, FeedbackRecordState feedback) {
        if (feedback == null) {
            messageRemoved(id);
            return;
        }
        // One journal transaction: after a crash the message is gone with its feedback record there, or neither.
        append(() -> {
            journal.appendDeleteRecordTransactional(stepId, id);
            journal.appendAddRecordTransactional(stepId, feedback.id(), FEEDBACK_RECORD, JSON.writeValueAsBytes(feedback.record()));
            journal.appendCommitRecord(stepId, true);
        });
    }

    @Override
    public void feedbackRecordAdded(long id, FeedbackRecord record) {
        append(() -> journal.appendAddRecord(id, FEEDBACK_RECORD, JSON.writeValueAsBytes(record), true));
    }

    @Override
    public void feedbackBatched(List<Long> recordIds, long messageId, byte[] encoded) {
        append(() -> {
            journal.appendAddRecord(messageId, FEEDBACK_MESSAGE, encoded, false);
            for (long id : recordIds) {
                journal.appendDeleteRecord(id, false);
            }
            journal.flush();
        });
    }

    @Override
    public void feedbackMessageRemoved(long id) {
        append(() -> journal.appendDeleteRecord(id, true));
    }

    @Override
    public void close() {
        try {
            journal.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the cloud-to-device journal did not close cleanly", e);
        }
    }

    private interface JournalWrite {
        void run() throws Exception;
    }

    private static void append(JournalWrite write) {
        try {
            write.run();
        } catch (Exception e) {
            throw new IllegalStateException("the cloud-to-device journal could not be written", e);
        }
    }
}
