package dev.hubsim.limits;

/**
 * One client's message credit under a {@link CreditPolicy.Bucket} policy, shared by all its sending links
 * (seeds/imp-amqp-object.txt: "You have credit for 40 messages", "Each agent is ... restricted"): credit granted to any
 * of its links comes out of the bucket, and the bucket refills at the policy's rate up to its capacity less the credit
 * its links hold unused, so the client never holds more than the capacity however many links it opens. Thread-safe:
 * a client's links may live on several connections.
 */
public final class CreditBucket {
    private final int capacity;
    private final double perSecond;
    private double tokens;
    private int held;
    private long lastNanos;

    public CreditBucket(int capacity, double perSecond) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.tokens = capacity;
        this.lastNanos = System.nanoTime();
    }

    /** Takes up to {@code wanted} credits for a link: what the bucket has now, in whole credits. */
    public synchronized int take(int wanted) {
        refill();
        int granted = (int) Math.min(Math.max(0, wanted), Math.floor(tokens));
        tokens -= granted;
        held += granted;
        return granted;
    }

    /** A link used (or gave up, when it closed) this many of the credits it held. */
    public synchronized void returned(int credits) {
        refill();
        held = Math.max(0, held - credits);
    }

    /** Credit links hold unused now (for tests and traces). */
    public synchronized int held() {
        return held;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity - held, tokens + (now - lastNanos) / 1e9 * perSecond);
        tokens = Math.max(0, tokens);
        lastNanos = now;
    }
}
