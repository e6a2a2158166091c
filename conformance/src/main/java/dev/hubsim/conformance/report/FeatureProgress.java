package dev.hubsim.conformance.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/**
 * One console line per feature once its scenarios ran: "client kit: events.feature: 7 passed, 1 failed, 0 not
 * applicable (9.1 s)". The plugin's argument is the line's prefix.
 */
public final class FeatureProgress implements ConcurrentEventListener {
    private final String prefix;
    private URI feature;
    private Map<Status, Integer> counts = new EnumMap<>(Status.class);
    private long started = System.nanoTime();

    public FeatureProgress() {
        this("client kit");
    }

    public FeatureProgress(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
        publisher.registerHandlerFor(TestRunFinished.class, e -> print());
    }

    private synchronized void finished(TestCaseFinished e) {
        if (feature != null && !feature.equals(e.getTestCase().getUri())) {
            print();
        }
        feature = e.getTestCase().getUri();
        counts.merge(e.getResult().getStatus(), 1, Integer::sum);
    }

    private synchronized void print() {
        if (feature == null) {
            return;
        }
        String path = feature.getSchemeSpecificPart();
        int failed = counts.entrySet().stream().filter(c -> c.getKey() != Status.PASSED && c.getKey() != Status.SKIPPED)
                .mapToInt(Map.Entry::getValue).sum();
        System.out.printf("%s: %s: %d passed, %d failed, %d not applicable (%.1f s)%n", prefix, path.substring(path.lastIndexOf('/') + 1),
                counts.getOrDefault(Status.PASSED, 0), failed, counts.getOrDefault(Status.SKIPPED, 0), (System.nanoTime() - started) / 1e9);
        feature = null;
        counts = new EnumMap<>(Status.class);
        started = System.nanoTime();
    }
}
