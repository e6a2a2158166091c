package dev.hubsim.eventhub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The hub's stored telemetry: one {@link Partition} per Event Hub partition, each device's messages in the partition
 * its ID hashes to. IoT Hub's own hash is not public (reference/iothub-amqp.md §6.4); this one is CRC-32 of the
 * UTF-8 device ID modulo the partition count, so a device keeps its partition across restarts and machines.
 */
public final class EventStore implements AutoCloseable {
    private final EventHubSettings settings;
    private final List<Partition> partitions = new ArrayList<>();

    /** @param journalDir where partitions keep their events on disk, or null to keep them in memory only */
    public EventStore(EventHubSettings settings, Clock clock, Path journalDir) {
        this.settings = settings;
        for (String id : settings.partitionIds()) {
            PartitionJournal journal = journalDir == null ? null : new PartitionJournal(journalDir.resolve("partition-" + id + ".log"));
            partitions.add(new Partition(id, settings, clock, journal));
        }
    }

    public static int partitionIndex(String deviceId, int partitionCount) {
        CRC32 crc = new CRC32();
        crc.update(deviceId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitionCount);
    }

    public Partition partitionFor(String deviceId) {
        return partitions.get(partitionIndex(deviceId, partitions.size()));
    }

    /** The partition with this id ("0".."n-1"), or null. */
    public Partition partition(String partitionId) {
        int index = settings.partitionIndex(partitionId);
        return index < 0 ? null : partitions.get(index);
    }

    public List<Partition> partitions() {
        return List.copyOf(partitions);
    }

    /** Stored events of one device (or all when null), oldest first. */
    public List<StoredEvent> events(String deviceId) {
        List<StoredEvent> events = new ArrayList<>();
        for (Partition p : deviceId == null ? partitions : List.of(partitionFor(deviceId))) {
            for (StoredEvent e : p.snapshot()) {
                if (deviceId == null || deviceId.equals(e.deviceId())) {
                    events.add(e);
                }
            }
        }
        events.sort(Comparator.comparingLong(StoredEvent::enqueuedTime));
        return events;
    }

    /** Called with each event just stored, of any partition, on the appending thread. */
    public void onAppend(java.util.function.Consumer<StoredEvent> listener) {
        partitions.forEach(p -> p.onAppend(listener));
    }

    public long count() {
        return partitions.stream().mapToLong(Partition::size).sum();
    }

    public long retainedBytes() {
        return partitions.stream().mapToLong(Partition::retainedBytes).sum();
    }

    /** Applies time-based retention to partitions nobody writes to; called periodically. */
    public void trimExpired() {
        partitions.forEach(Partition::trim);
    }

    /** Forgets every retained event of every partition. */
    public void clear() {
        partitions.forEach(Partition::clear);
    }

    @Override
    public void close() {
        partitions.forEach(Partition::close);
    }
}
