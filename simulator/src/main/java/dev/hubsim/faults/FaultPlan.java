package dev.hubsim.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults waiting to happen: the hub's links ask it at each attach, transfer, CBS reply and disposition. Thread-safe;
 * counted faults are used up one by one.
 */
public final class FaultPlan {

    /**
     * A refusal or redirect for the next attaches in scope.
     *
     * @param condition the condition's wire name (any, not only the hub's own)
     * @param info      the error's {@code info} map (a redirect's host, port and address), or null
     */
    public record AttachFault(String condition, String description, Map<String, Object> info) {
    }

    /** A rejection for the next transfers in scope; {@code condition} is the wire name. */
    public record TransferFault(String condition, String description) {
    }

    private record Counted<T>(Scope scope, AtomicInteger remaining, T fault) {
    }

    private record Timed(Scope scope, Duration delay) {
    }

    private final List<Counted<AttachFault>> attaches = new ArrayList<>();
    private final List<Counted<TransferFault>> transfers = new ArrayList<>();
    private final List<Counted<Boolean>> droppedCbsReplies = new ArrayList<>();
    private final List<Timed> cbsDelays = new ArrayList<>();
    private final List<Timed> dispositionDelays = new ArrayList<>();
    private final List<Timed> answerDelays = new ArrayList<>();

    public synchronized void attaches(Scope scope, int count, AttachFault fault) {
        attaches.add(new Counted<>(scope, new AtomicInteger(count), fault));
    }

    public synchronized void transfers(Scope scope, int count, TransferFault fault) {
        transfers.add(new Counted<>(scope, new AtomicInteger(count), fault));
    }

    public synchronized void dropCbsReplies(Scope scope, int count) {
        droppedCbsReplies.add(new Counted<>(scope, new AtomicInteger(count), Boolean.TRUE));
    }

    public synchronized void delayCbsReplies(Scope scope, Duration delay) {
        cbsDelays.add(new Timed(scope, delay));
    }

    public synchronized void delayDispositions(Scope scope, Duration delay) {
        dispositionDelays.add(new Timed(scope, delay));
    }

    /** Begin and Attach answers in scope go out this much later (Begins match a scope without a path only). */
    public synchronized void holdAnswers(Scope scope, Duration delay) {
        answerDelays.add(new Timed(scope, delay));
    }

    public synchronized void clear() {
        answerDelays.clear();
        attaches.clear();
        transfers.clear();
        droppedCbsReplies.clear();
        cbsDelays.clear();
        dispositionDelays.clear();
    }

    public synchronized Optional<AttachFault> takeAttach(String connectionId, Set<String> identities, String address) {
        return take(attaches, connectionId, identities, address);
    }

    public synchronized Optional<TransferFault> takeTransfer(String connectionId, Set<String> identities, String address) {
        return take(transfers, connectionId, identities, address);
    }

    public synchronized boolean takeCbsReplyDrop(String connectionId, Set<String> identities) {
        return take(droppedCbsReplies, connectionId, identities, "$cbs").isPresent();
    }

    public synchronized Duration cbsReplyDelay(String connectionId, Set<String> identities) {
        return delay(cbsDelays, connectionId, identities, "$cbs");
    }

    public synchronized Duration dispositionDelay(String connectionId, Set<String> identities, String address) {
        return delay(dispositionDelays, connectionId, identities, address);
    }

    /** How long to hold the answer to a Begin ({@code address} null) or to the Attach of {@code address}. */
    public synchronized Duration answerDelay(String connectionId, Set<String> identities, String address) {
        return delay(answerDelays, connectionId, identities, address);
    }

    private static <T> Optional<T> take(List<Counted<T>> faults, String connectionId, Set<String> identities, String address) {
        for (Counted<T> f : faults) {
            if (f.remaining().get() > 0 && f.scope().matchesConnection(connectionId, identities) && f.scope().matchesPath(address)) {
                if (f.remaining().decrementAndGet() == 0) {
                    faults.remove(f);
                }
                return Optional.of(f.fault());
            }
        }
        return Optional.empty();
    }

    private static Duration delay(List<Timed> delays, String connectionId, Set<String> identities, String address) {
        for (Timed t : delays) {
            if (t.scope().matchesConnection(connectionId, identities) && t.scope().matchesPath(address)) {
                return t.delay();
            }
        }
        return Duration.ZERO;
    }
}
