package dev.hubsim.soak;

import dev.hubsim.HubSimulator;
import dev.hubsim.RecordedTelemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A soak's reconciliation: count-in against count-out for telemetry (every Accepted message-id stored exactly once,
 * every outcome lost only with a dropped connection and within what was in flight, stored once or not at all)
 * and cloud-to-device messages (every message the hub accepted has exactly one feedback record, whose status is what
 * the device's last settlement means), with the figures for the closing note.
 */
public record Outcome(Duration elapsed, long nominalTelemetry, long telemetrySent, long telemetryAccepted, long telemetryOutcomeLost,
                      long lostStored, long lostBound, long telemetryNotAccepted, long telemetryStored, long duplicates, long missedBeats,
                      long devicesAccepted, long c2dAccepted, long c2dRefused, Map<String, Long> feedbackByStatus, long drops, long reconnects,
                      List<String> problems) {

    static Outcome reconcile(Soak soak, HubSimulator hub, List<String> deviceIds, int devicesPerConnection, Duration elapsed) {
        List<String> problems = new ArrayList<>();
        soak.failures.stream().limit(20).forEach(problems::add);
        if (soak.failures.size() > 20) {
            problems.add("... and " + (soak.failures.size() - 20) + " more failures");
        }
        long accepted = 0;
        long stored = 0;
        long lostStored = 0;
        long duplicates = 0;
        for (String deviceId : deviceIds) {
            Map<Object, Integer> copies = new HashMap<>();
            for (RecordedTelemetry t : hub.telemetry(deviceId)) {
                copies.merge(t.message().getMessageId(), 1, Integer::sum);
                stored++;
            }
            Set<String> acceptedIds = soak.acceptedTelemetry.getOrDefault(deviceId, Set.of());
            Set<String> lostIds = soak.lostWithDrop.getOrDefault(deviceId, Set.of());
            for (Map.Entry<Object, Integer> c : copies.entrySet()) {
                String id = String.valueOf(c.getKey());
                duplicates += c.getValue() - 1;
                if (c.getValue() > 1 && problems.size() < 40) {
                    problems.add("telemetry " + id + " of " + deviceId + " is stored " + c.getValue() + " times");
                }
                if (!acceptedIds.contains(id) && !lostIds.contains(id) && problems.size() < 40) {
                    problems.add("telemetry " + id + " of " + deviceId + " is stored but was neither Accepted nor lost with a drop"
                            + (soak.sentIds.contains(id) ? "" : " (never sent)"));
                }
                if (lostIds.contains(id)) {
                    lostStored++;
                }
            }
            for (String id : acceptedIds) {
                accepted++;
                if (!copies.containsKey(id) && problems.size() < 40) {
                    problems.add("telemetry " + id + " of " + deviceId + " was Accepted and is not stored");
                }
            }
        }
        long lost = soak.telemetryOutcomeLost.get();
        long bound = (long) devicesPerConnection * soak.drops.get();
        if (lost > bound) {
            problems.add(lost + " telemetry outcomes lost with dropped connections, more than " + devicesPerConnection
                    + " in flight per connection x " + soak.drops.get() + " drops = " + bound);
        }
        if (soak.mostLostInOneDrop.get() > devicesPerConnection) {
            problems.add("one drop took " + soak.mostLostInOneDrop.get() + " outcomes, more than the " + devicesPerConnection + " in flight");
        }
        if (soak.telemetrySent.get() != accepted + lost + soak.telemetryNotAccepted.get()) {
            problems.add("telemetry sent " + soak.telemetrySent.get() + " != Accepted " + accepted + " + lost with a drop " + lost
                    + " + not Accepted " + soak.telemetryNotAccepted.get() + " (an outcome went missing on a live connection)");
        }
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        soak.feedback.values().forEach(status -> byStatus.merge(status, 1L, Long::sum));
        for (Map.Entry<String, String> c2d : soak.c2dAcceptedByHub.entrySet()) {
            String status = soak.feedback.get(c2d.getKey());
            String expected = expectedStatus(soak.lastDeviceOutcome.get(c2d.getKey()));
            if (!expected.equals(status) && problems.size() < 60) {
                problems.add("C2D " + c2d.getKey() + " to " + c2d.getValue() + ": device's last settlement " + soak.lastDeviceOutcome.get(c2d.getKey())
                        + ", so feedback " + expected + "; observed " + status);
            }
        }
        soak.feedback.keySet().stream().filter(id -> !soak.c2dAcceptedByHub.containsKey(id)).limit(5)
                .forEach(id -> problems.add("feedback for " + id + ", which the hub never accepted"));
        if (soak.duplicateFeedback.get() > 0) {
            problems.add(soak.duplicateFeedback.get() + " messages had more than one feedback record");
        }
        return new Outcome(elapsed, soak.nominalTelemetry(), soak.telemetrySent.get(), accepted, lost, lostStored, bound,
                soak.telemetryNotAccepted.get(), stored, duplicates, soak.missedBeats.get(),
                deviceIds.stream().filter(d -> !soak.acceptedTelemetry.getOrDefault(d, Set.of()).isEmpty()).count(), soak.c2dAcceptedByHub.size(),
                soak.c2dRefusedByHub.get(), byStatus, soak.drops.get(), soak.reconnects.get(), problems);
    }

    /** Feedback status codes of reference/iothub-amqp.md §7.6 for the device's last settlement. */
    private static String expectedStatus(String lastOutcome) {
        if (lastOutcome == null) {
            return "(never delivered)";
        }
        switch (lastOutcome) {
            case "Accepted":
                return "Success";
            case "Rejected":
                return "Rejected";
            case "Released":
                return "DeliveryCountExceeded";
            default:
                return "(unknown outcome " + lastOutcome + ")";
        }
    }

    public String figures() {
        return String.format("soak: %d s; telemetry sent %d (nominal %d, %d beats missed), Accepted %d, not Accepted %d, outcome lost with a "
                        + "dropped connection %d (bound %d; %d of them stored), stored %d, duplicates %d; C2D accepted by the hub %d "
                        + "(refused %d), feedback %s; connections dropped %d, reconnects %d; problems %d",
                elapsed.toSeconds(), telemetrySent, nominalTelemetry, missedBeats, telemetryAccepted, telemetryNotAccepted, telemetryOutcomeLost,
                lostBound, lostStored, telemetryStored, duplicates, c2dAccepted, c2dRefused, feedbackByStatus, drops, reconnects, problems.size());
    }
}
