package dev.hubsim.eventhub;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps one partition's events on disk when persistence is on: an append-only file, flushed after every event (so a
 * stopped or killed simulator loses nothing it acknowledged, short of an OS crash), rewritten with only the retained
 * events once more trimmed than retained records pile up. Called under the partition's lock.
 */
final class PartitionJournal {
    private static final int MIN_COMPACTION = 1024;

    private final Path file;
    private DataOutputStream out;
    private long records;
    private long dead;

    PartitionJournal(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the event journal directory " + file.getParent(), e);
        }
    }

    /** Reads back every complete record; a torn last record (a write cut short) is dropped. */
    List<StoredEvent> replay() {
        List<StoredEvent> events = new ArrayList<>();
        if (Files.exists(file)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                while (true) {
                    StoredEvent event = read(in);
                    if (event == null) {
                        break;
                    }
                    events.add(event);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the event journal " + file, e);
            }
        }
        rewrite(events);
        return events;
    }

    void append(StoredEvent event) {
        try {
            write(out, event);
            out.flush();
            records++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the event journal " + file, e);
        }
    }

    void trimmed(int count, Supplier<List<StoredEvent>> retained) {
        dead += count;
        if (dead > MIN_COMPACTION && dead > records - dead) {
            rewrite(retained.get());
        }
    }

    void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the event journal " + file, e);
        }
    }

    private void rewrite(List<StoredEvent> events) {
        close();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (DataOutputStream tmpOut = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                for (StoredEvent event : events) {
                    write(tmpOut, event);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND)));
            records = events.size();
            dead = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the event journal " + file, e);
        }
    }

    private static void write(DataOutputStream out, StoredEvent event) throws IOException {
        byte[] device = event.deviceId().getBytes(StandardCharsets.UTF_8);
        out.writeInt(8 + 8 + 8 + 2 + device.length + event.encoded().length);
        out.writeLong(event.sequenceNumber());
        out.writeLong(event.offset());
        out.writeLong(event.enqueuedTime());
        out.writeShort(device.length);
        out.write(device);
        out.write(event.encoded());
    }

    private static StoredEvent read(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        byte[] record = new byte[length];
        try {
            in.readFully(record);
        } catch (EOFException e) {
            return null;
        }
        DataInputStream r = new DataInputStream(new java.io.ByteArrayInputStream(record));
        long sequence = r.readLong();
        long offset = r.readLong();
        long time = r.readLong();
        byte[] device = new byte[r.readUnsignedShort()];
        r.readFully(device);
        byte[] encoded = r.readAllBytes();
        return new StoredEvent(sequence, offset, time, new String(device, StandardCharsets.UTF_8), encoded);
    }

}
