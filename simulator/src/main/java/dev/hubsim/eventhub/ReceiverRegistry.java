package dev.hubsim.eventhub;

import dev.hubsim.errors.Condition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who reads each consumer group's partition, and the epoch rules (reference/iothub-amqp.md §6.3, §6.4): a receiver with
 * an epoch greater than or equal to the current one displaces every receiver there ({@code amqp:link:stolen}); a lower
 * epoch is refused; receivers without an epoch cannot join an epoch holder, and at most five of them read at once.
 */
public final class ReceiverRegistry {

    /** A live receiver link; {@link #displace} may be called from any thread. */
    public interface Receiver {
        void displace(Condition condition, String description);
    }

    public sealed interface Admission {
        record Admitted(Registration registration) implements Admission {
        }

        record Refused(Condition condition, String description) implements Admission {
        }
    }

    /** A place in the registry, given back with {@link #release} when the link ends. */
    public static final class Registration {
        private final String key;
        private final Receiver receiver;
        private final Long epoch;

        private Registration(String key, Receiver receiver, Long epoch) {
            this.key = key;
            this.receiver = receiver;
            this.epoch = epoch;
        }

        public Long epoch() {
            return epoch;
        }
    }

    private final Map<String, List<Registration>> readers = new HashMap<>();

    public Admission admit(String consumerGroup, String partitionId, Long epoch, Receiver receiver) {
        List<Registration> displaced = new ArrayList<>();
        Registration registration;
        synchronized (this) {
            String key = consumerGroup.toLowerCase(Locale.ROOT) + "/" + partitionId;
            List<Registration> current = readers.computeIfAbsent(key, k -> new ArrayList<>());
            Long held = current.stream().map(r -> r.epoch).filter(e -> e != null).max(Long::compare).orElse(null);
            if (epoch == null) {
                if (held != null) {
                    return new Admission.Refused(Condition.LINK_STOLEN, EventHubErrors.epochHolderExists(held));
                }
                if (current.size() >= EventHubErrors.MAX_NON_EPOCH_RECEIVERS) {
                    return new Admission.Refused(Condition.RESOURCE_LIMIT_EXCEEDED, EventHubErrors.TOO_MANY_RECEIVERS);
                }
            } else {
                if (held != null && epoch < held) {
                    return new Admission.Refused(Condition.LINK_STOLEN, EventHubErrors.lowerEpoch(epoch, held));
                }
                displaced.addAll(current);
                current.clear();
            }
            registration = new Registration(key, receiver, epoch);
            current.add(registration);
        }
        for (Registration old : displaced) {
            old.receiver.displace(Condition.LINK_STOLEN, EventHubErrors.stolen(epoch, old.epoch == null ? "" : old.epoch.toString()));
        }
        return new Admission.Admitted(registration);
    }

    public synchronized void release(Registration registration) {
        List<Registration> current = readers.get(registration.key);
        if (current != null) {
            current.remove(registration);
            if (current.isEmpty()) {
                readers.remove(registration.key);
            }
        }
    }

    /** How many receivers read a consumer group's partition now. */
    public synchronized int readers(String consumerGroup, String partitionId) {
        List<Registration> current = readers.get(consumerGroup.toLowerCase(Locale.ROOT) + "/" + partitionId);
        return current == null ? 0 : current.size();
    }
}
