package dev.hubsim.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a server-side state that has no client-visible event, bounded by {@link AmqpTestClient#TIMEOUT} or a timeout given. */
public final class Waits {
    private Waits() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, AmqpTestClient.TIMEOUT, condition);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
