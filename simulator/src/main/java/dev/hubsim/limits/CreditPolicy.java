package dev.hubsim.limits;

import java.time.Duration;

/**
 * How the simulator grants credit to a client's sending link.
 * <ul>
 *   <li>{@code window(n)}: n credits at attach, topped up to n as messages settle, once a tenth of n is used (the
 *   default for {@code iothub});</li>
 *   <li>{@code bucket(capacity, perSecond)}: the seeds' message credit, 40 at once regenerating 2 per second
 *   (the default for {@code imp});</li>
 *   <li>{@code manual(initial)}: the initial credit, then only what a test grants.</li>
 * </ul>
 */
public sealed interface CreditPolicy {
    record Window(int size) implements CreditPolicy {
    }

    record Bucket(int capacity, double perSecond) implements CreditPolicy {
        public Duration tick() {
            return Duration.ofMillis(100);
        }
    }

    record Manual(int initial) implements CreditPolicy {
    }

    static CreditPolicy window(int size) {
        return new Window(size);
    }

    static CreditPolicy bucket(int capacity, double perSecond) {
        return new Bucket(capacity, perSecond);
    }

    static CreditPolicy manual(int initial) {
        return new Manual(initial);
    }

    /** {@code window:1000}, {@code bucket:40:2}, {@code manual:0}. */
    static CreditPolicy parse(String text) {
        String[] p = text.trim().split(":");
        try {
            return switch (p[0]) {
                case "window" -> new Window(p.length > 1 ? Integer.parseInt(p[1]) : 1000);
                case "bucket" -> new Bucket(p.length > 1 ? Integer.parseInt(p[1]) : 40, p.length > 2 ? Double.parseDouble(p[2]) : 2);
                case "manual" -> new Manual(p.length > 1 ? Integer.parseInt(p[1]) : 0);
                default -> throw new IllegalArgumentException("unknown credit policy '" + text + "' (window:N, bucket:CAPACITY:PER_SECOND or manual:N)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("credit policy '" + text + "' has a number that is not one");
        }
    }
}
