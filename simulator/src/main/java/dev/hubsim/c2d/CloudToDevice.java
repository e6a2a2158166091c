package dev.hubsim.c2d;

import dev.hubsim.registry.Hub;
import dev.hubsim.limits.LimitKind;
import dev.hubsim.limits.Limits;
import dev.hubsim.errors.Condition;
import dev.hubsim.errors.HubErrors;
import dev.hubsim.registry.Device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub's cloud-to-device messaging (reference/iothub-amqp.md §7): per-device queues with the documented lifecycle
 * (enqueued, locked, completed / dead-lettered / back to the queue), lock timeout, delivery count, time to live, and
 * feedback. Free of any transport: the AMQP links call in and are woken when a device has something to take.
 */
public final class CloudToDevice implements AutoCloseable {
    private static final DateTimeFormatter FEEDBACK_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What became of a device's disposition. */
    public enum Settled { COMPLETED, REJECTED, ABANDONED, DEAD_LETTERED, LOCK_LOST }

    private final Hub hub;
    private final C2dSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, DeviceQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Identities in the store, shared by messages, feedback records and feedback messages. */
    private final AtomicLong ids;
    private final C2dStore store;
    private final Limits limits;
    private final FeedbackQueue feedback;

    /**
     * With a store, whatever it kept is queued again: messages waiting (locks are not kept), feedback not yet taken.
     * Feedback messages are built by {@code feedbackEncoder} (the face's wire format, which the store keeps).
     */
    public CloudToDevice(Hub hub, C2dSettings settings, Clock clock, C2dStore store, Limits limits, FeedbackEncoder feedbackEncoder) {
        this.hub = hub;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubsim-c2d-timer");
            t.setDaemon(true);
            return t;
        });
        C2dStore.Recovered recovered = store.load();
        this.ids = new AtomicLong(recovered.lastId());
        this.feedback = new FeedbackQueue(hub.name(), settings, clock, timer, store, ids, recovered, feedbackEncoder);
        for (C2dStore.StoredState state : recovered.messages()) {
            StoredMessage message = StoredMessage.from(state);
            sequence.accumulateAndGet(message.sequenceNumber, Math::max);
            DeviceQueue queue = queue(message.deviceId);
            synchronized (queue) {
                queue.available.put(message.sequenceNumber, message);
                scheduleExpiry(message, clock.instant());
            }
        }
    }

    public C2dSettings settings() {
        return settings;
    }

    public FeedbackQueue feedback() {
        return feedback;
    }

    /** Checks and enqueues a message a service sent. */
    public EnqueueResult enqueue(C2dMessage message) {
        if (limits.check(LimitKind.C2D_MESSAGE_BYTES, message.size(), "a cloud-to-device message") == Limits.Verdict.REFUSE) {
            return refused(Condition.MESSAGE_SIZE_EXCEEDED, CloudToDeviceErrors.tooLarge(message.size(), limits.value(LimitKind.C2D_MESSAGE_BYTES)));
        }
        String to = message.to();
        if (to == null) {
            return refused(Condition.ARGUMENT_ERROR, CloudToDeviceErrors.missingTo());
        }
        DeviceBoundAddress target = DeviceBoundAddress.parse(to);
        if (target == null) {
            return refused(Condition.ARGUMENT_ERROR, CloudToDeviceErrors.malformedTo(to));
        }
        Optional<Device> device = hub.registry().device(target.deviceId());
        if (device.isEmpty()) {
            return refused(Condition.NOT_FOUND, HubErrors.unknownDevice(target.deviceId()));
        }
        if (target.moduleId() != null) {
            return hub.registry().modules().module(target.deviceId(), target.moduleId()).isEmpty()
                    ? refused(Condition.NOT_FOUND, HubErrors.unknownModule(target.deviceId(), target.moduleId()))
                    : refused(Condition.NOT_ALLOWED, HubErrors.noCloudToDeviceForModules(target.deviceId(), target.moduleId()));
        }
        if (!device.get().enabled()) {
            return refused(Condition.NOT_ALLOWED, HubErrors.deviceDisabled(target.deviceId()));
        }
        Object ackValue = message.ack();
        if (ackValue != null && !(ackValue instanceof String)) {
            return refused(Condition.ARGUMENT_ERROR, CloudToDeviceErrors.ackNotString(ackValue));
        }
        DeliveryAcknowledgement ack = DeliveryAcknowledgement.parse((String) ackValue);
        if (ack == null) {
            return refused(Condition.ARGUMENT_ERROR, CloudToDeviceErrors.ackUnknown((String) ackValue));
        }
        Instant now = clock.instant();
        StoredMessage stored = new StoredMessage(ids.incrementAndGet(), sequence.incrementAndGet(), message.encoded(),
                message.messageId(), target.deviceId(),
                device.get().generationId(), now, expiry(message, now), ack);
        DeviceQueue queue = queue(target.deviceId());
        synchronized (queue) {
            if (limits.check(LimitKind.C2D_QUEUE_DEPTH, queue.depth() + 1L, "device '" + target.deviceId() + "'") == Limits.Verdict.REFUSE) {
                return refused(Condition.RESOURCE_LIMIT_EXCEEDED, CloudToDeviceErrors.queueFull(target.deviceId(), queue.depth()));
            }
            store.messageAdded(stored.state());
            queue.available.put(stored.sequenceNumber, stored);
            scheduleExpiry(stored, now);
        }
        wake(target.deviceId());
        return new EnqueueResult.Enqueued(stored.sequenceNumber);
    }

    private void scheduleExpiry(StoredMessage message, Instant now) {
        long delay = Duration.between(now, message.expiresAt).toMillis();
        message.expiryTimer = timer.schedule(() -> expire(message), Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    /** Default TTL, or the message's own absolute-expiry-time, never beyond the hub's maximum. */
    private Instant expiry(C2dMessage message, Instant now) {
        Instant longest = now.plus(settings.maxTtl());
        if (message.absoluteExpiryTime() != null) {
            Instant asked = message.absoluteExpiryTime();
            return asked.isAfter(longest) ? longest : asked;
        }
        Instant byDefault = now.plus(settings.defaultTtl());
        return byDefault.isAfter(longest) ? longest : byDefault;
    }

    /** Locks the device's next live message for a delivery, or returns null when there is none. */
    public Lease lease(String deviceId) {
        DeviceQueue queue = queue(deviceId);
        Instant now = clock.instant();
        synchronized (queue) {
            while (!queue.available.isEmpty()) {
                StoredMessage next = queue.available.pollFirstEntry().getValue();
                if (next.expiredAt(now)) {
                    deadLetter(next, FeedbackStatus.EXPIRED);
                    continue;
                }
                next.lockToken = UUID.randomUUID();
                queue.locked.put(next.lockToken, next);
                UUID token = next.lockToken;
                next.lockTimer = timer.schedule(() -> lockExpired(deviceId, token), settings.lockTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return new Lease(token, deviceId, next.sequenceNumber, next.deliveryCount, next.enqueuedAt, next.encoded);
            }
        }
        return null;
    }

    /** The device accepted the message: completed, and {@code Success} feedback where asked. */
    public Settled complete(Lease lease) {
        StoredMessage message = unlock(lease);
        if (message == null) {
            return Settled.LOCK_LOST;
        }
        settle(message, FeedbackStatus.SUCCESS);
        return Settled.COMPLETED;
    }

    /** The device rejected the message: dead-lettered at once. */
    public Settled reject(Lease lease) {
        StoredMessage message = unlock(lease);
        if (message == null) {
            return Settled.LOCK_LOST;
        }
        deadLetter(message, FeedbackStatus.REJECTED);
        return Settled.REJECTED;
    }

    /** The device abandoned the message: back in the queue with its delivery count raised, or dead-lettered past the maximum. */
    public Settled abandon(Lease lease) {
        DeviceQueue queue = queue(lease.deviceId());
        synchronized (queue) {
            StoredMessage message = queue.locked.remove(lease.lockToken());
            if (message == null) {
                return Settled.LOCK_LOST;
            }
            clearLock(message);
            message.deliveryCount++;
            if (message.deliveryCount >= settings.maxDeliveryCount()) {
                deadLetter(message, FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
                return Settled.DEAD_LETTERED;
            }
            store.deliveryCountChanged(message.id, message.deliveryCount);
            queue.available.put(message.sequenceNumber, message);
        }
        wake(lease.deviceId());
        return Settled.ABANDONED;
    }

    /** The delivery went away unsettled (link or connection closed): back in the queue, delivery count unchanged. */
    public void release(Lease lease) {
        DeviceQueue queue = queue(lease.deviceId());
        synchronized (queue) {
            StoredMessage message = queue.locked.remove(lease.lockToken());
            if (message == null) {
                return;
            }
            clearLock(message);
            queue.available.put(message.sequenceNumber, message);
        }
        wake(lease.deviceId());
    }

    /**
     * Empties a device queue, as the hub's purge operation does; {@code Purged} feedback goes to services that asked for
     * negative feedback. Returns how many messages were removed.
     */
    public int purge(String deviceId) {
        DeviceQueue queue = queue(deviceId);
        List<StoredMessage> removed;
        synchronized (queue) {
            removed = queue.drain();
        }
        for (StoredMessage message : removed) {
            settle(message, FeedbackStatus.PURGED);
        }
        return removed.size();
    }

    /** Empties every queue and the feedback waiting, without feedback: a fresh start between tests. */
    public void reset() {
        for (String deviceId : queues.keySet()) {
            DeviceQueue queue = queue(deviceId);
            List<StoredMessage> removed;
            synchronized (queue) {
                removed = queue.drain();
            }
            removed.forEach(m -> {
                m.cancelTimers();
                store.messageRemoved(m.id);
            });
        }
        feedback.reset();
    }

    /** Messages queued for the device, waiting or locked. */
    public int depth(String deviceId) {
        DeviceQueue queue = queue(deviceId);
        synchronized (queue) {
            return queue.depth();
        }
    }

    public void addListener(String deviceId, Runnable listener) {
        listeners.computeIfAbsent(deviceId, d -> new CopyOnWriteArrayList<>()).add(listener);
    }

    public void removeListener(String deviceId, Runnable listener) {
        List<Runnable> list = listeners.get(deviceId);
        if (list != null) {
            list.remove(listener);
        }
    }

    private void lockExpired(String deviceId, UUID token) {
        DeviceQueue queue = queue(deviceId);
        synchronized (queue) {
            StoredMessage message = queue.locked.remove(token);
            if (message == null) {
                return;
            }
            // The hub raises the delivery count only on an explicit abandon, not when a lock times out (§7.5).
            message.lockToken = null;
            message.lockTimer = null;
            queue.available.put(message.sequenceNumber, message);
        }
        wake(deviceId);
    }

    private void expire(StoredMessage message) {
        DeviceQueue queue = queue(message.deviceId);
        synchronized (queue) {
            // A locked message is left to its delivery; it is checked again when it comes back to the queue.
            if (queue.available.remove(message.sequenceNumber) == null) {
                return;
            }
        }
        deadLetter(message, FeedbackStatus.EXPIRED);
    }

    private StoredMessage unlock(Lease lease) {
        DeviceQueue queue = queue(lease.deviceId());
        synchronized (queue) {
            StoredMessage message = queue.locked.remove(lease.lockToken());
            if (message != null) {
                clearLock(message);
            }
            return message;
        }
    }

    private static void clearLock(StoredMessage message) {
        message.lockToken = null;
        if (message.lockTimer != null) {
            message.lockTimer.cancel(false);
            message.lockTimer = null;
        }
    }

    private void deadLetter(StoredMessage message, FeedbackStatus status) {
        settle(message, status);
    }

    /** The message leaves its queue; where its ack asks for it, its feedback record is stored in the same step. */
    private void settle(StoredMessage message, FeedbackStatus status) {
        message.cancelTimers();
        if (!message.ack.wants(status)) {
            store.messageSettled(message.id, ids.incrementAndGet(), null);
            return;
        }
        FeedbackRecord record = new FeedbackRecord(message.messageId, FEEDBACK_TIME.format(clock.instant()), status, status.description(),
                message.deviceId, message.deviceGenerationId);
        long recordId = ids.incrementAndGet();
        store.messageSettled(message.id, ids.incrementAndGet(), new C2dStore.FeedbackRecordState(recordId, record));
        feedback.addStored(recordId, record);
    }

    private DeviceQueue queue(String deviceId) {
        return queues.computeIfAbsent(deviceId, d -> new DeviceQueue());
    }

    private void wake(String deviceId) {
        List<Runnable> list = listeners.get(deviceId);
        if (list != null) {
            list.forEach(Runnable::run);
        }
    }

    private static EnqueueResult refused(Condition condition, String description) {
        return new EnqueueResult.Refused(condition, description);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        store.close();
    }
}
