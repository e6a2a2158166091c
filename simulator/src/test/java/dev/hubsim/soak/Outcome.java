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
 * A soak's reconciliation: count-in against count-out for telemetry (every Accepted message-id stored exactly once)
 * and cloud-to-device messages (every message the hub accepted has exactly one feedback record, whose status is what
 * the device's last settlement means), with the figures for the closing note.
 */
public record Outcome(Duration elapsed, long telemetrySent, long telemetryAccepted, long telemetryOutcomeLost, long telemetryStored,
                      long c2dAccepted, long c2dRefused, Map<String, Long> feedbackByStatus, long drops, long reconnects,
                      List<String> problems) {

    static Outcome reconcile(Soak soak, HubSimulator hub, List<String> deviceIds, Duration elapsed) {
        List<String> problems = new ArrayList<>(soak.failures);
        long accepted = 0;
        long stored = 0;
        for (String deviceId : deviceIds) {
            Map<Object, Integer> copies = new HashMap<>();
            for (RecordedTelemetry t : hub.telemetry(deviceId)) {
                copies.merge(t.message().getMessageId(), 1, Integer::sum);
                stored++;
            }
            for (String id : soak.acceptedTelemetry.getOrDefault(deviceId, Set.of())) {
                accepted++;
                int n = copies.getOrDefault(id, 0);
                if (n != 1 && problems.size() < 20) {
                    problems.add("telemetry " + id + " of " + deviceId + " was Accepted and is stored " + n + " times");
                }
            }
        }
        if (stored - accepted > soak.telemetryOutcomeLost.get()) {
            problems.add(stored + " telemetry messages stored, " + accepted + " Accepted and only " + soak.telemetryOutcomeLost.get()
                    + " with a lost outcome: something was stored twice");
        }
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        soak.feedback.values().forEach(status -> byStatus.merge(status, 1L, Long::sum));
        for (Map.Entry<String, String> c2d : soak.c2dAcceptedByHub.entrySet()) {
            String status = soak.feedback.get(c2d.getKey());
            String expected = expectedStatus(soak.lastDeviceOutcome.get(c2d.getKey()));
            if (!expected.equals(status) && problems.size() < 40) {
                problems.add("C2D " + c2d.getKey() + " to " + c2d.getValue() + ": device's last settlement " + soak.lastDeviceOutcome.get(c2d.getKey())
                        + ", so feedback " + expected + "; observed " + status);
            }
        }
        soak.feedback.keySet().stream().filter(id -> !soak.c2dAcceptedByHub.containsKey(id)).limit(5)
                .forEach(id -> problems.add("feedback for " + id + ", which the hub never accepted"));
        if (soak.duplicateFeedback.get() > 0) {
            problems.add(soak.duplicateFeedback.get() + " messages had more than one feedback record");
        }
        return new Outcome(elapsed, soak.telemetrySent.get(), accepted, soak.telemetryOutcomeLost.get(), stored, soak.c2dAcceptedByHub.size(),
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
        return String.format("soak: %d s; telemetry sent %d, Accepted %d, outcome lost with a dropped connection %d, stored %d; "
                        + "C2D accepted by the hub %d (refused %d), feedback %s; connections dropped %d, reconnects %d; problems %d",
                elapsed.toSeconds(), telemetrySent, telemetryAccepted, telemetryOutcomeLost, telemetryStored, c2dAccepted, c2dRefused,
                feedbackByStatus, drops, reconnects, problems.size());
    }
}
