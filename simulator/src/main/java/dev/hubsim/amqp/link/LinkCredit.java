package dev.hubsim.amqp.link;

import dev.hubsim.limits.CreditPolicy;
import org.apache.qpid.proton.engine.Receiver;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The credit the hub grants one client sending link, by its {@link CreditPolicy}. Every grant happens on the
 * connection's event loop (artemis-extension-points.md §8, §11): calls from elsewhere are handed over with runLater.
 */
public final class LinkCredit {
    private final LinkHost connection;
    private final Receiver receiver;
    private volatile CreditPolicy policy;
    private long granted;
    private double bucketBalance;
    private long lastRefillNanos;
    private ScheduledFuture<?> ticker;
    private boolean closed;

    LinkCredit(LinkHost connection, Receiver receiver, CreditPolicy policy) {
        this.connection = connection;
        this.receiver = receiver;
        this.policy = policy;
    }

    CreditPolicy policy() {
        return policy;
    }

    /** Grants the initial credit of the policy. */
    void start() {
        onEventLoop(() -> {
            if (policy instanceof CreditPolicy.Window w) {
                grant(w.size());
            } else if (policy instanceof CreditPolicy.Bucket b) {
                grant(b.capacity());
                lastRefillNanos = System.nanoTime();
                startTicker(b);
            } else if (policy instanceof CreditPolicy.Manual m) {
                grant(m.initial());
            }
        });
    }

    /** A message settled (or any other moment the policy may top up): tops up a window, refills a bucket. */
    void settled() {
        onEventLoop(this::topUp);
    }

    private void topUp() {
        if (closed) {
            return;
        }
        if (policy instanceof CreditPolicy.Window w) {
            // Topped up once a tenth of the window is used, not per message: one flow frame for many (as Artemis does).
            int missing = w.size() - receiver.getCredit() - receiver.getUnsettled();
            if (missing > 0 && missing >= Math.max(1, w.size() / 10)) {
                grant(missing);
            }
        } else if (policy instanceof CreditPolicy.Bucket b) {
            long now = System.nanoTime();
            bucketBalance += (now - lastRefillNanos) / 1e9 * b.perSecond();
            lastRefillNanos = now;
            int room = b.capacity() - receiver.getCredit();
            bucketBalance = Math.min(bucketBalance, Math.max(0, room));
            int whole = (int) bucketBalance;
            if (whole > 0) {
                bucketBalance -= whole;
                grant(whole);
            }
        }
    }

    /** A test grants credit by hand (manual policy, or any policy through fault injection). */
    void grantMore(int credits) {
        onEventLoop(() -> grant(credits));
    }

    /**
     * Sets the link credit the client holds to exactly {@code credits} from now on (a fault, or a test's manual
     * control): the link switches to a manual policy so nothing tops it up again. A smaller value is sent as a flow
     * with the smaller link-credit, which AMQP allows.
     */
    void setTo(int credits) {
        onEventLoop(() -> {
            policy = CreditPolicy.manual(credits);
            stopTicker();
            // What the client holds: granted minus what arrived, i.e. the engine's credit minus deliveries not yet read.
            int held = receiver.getCredit() - receiver.getQueued();
            int delta = credits - held;
            if (delta != 0) {
                granted += Math.max(0, delta);
                receiver.flow(delta);
                connection.flush();
            }
        });
    }

    /** Sets the credit to exactly {@code credits} ({@link #setTo}), or grants that many more ({@link #grantMore}). */
    public void change(int credits, boolean set) {
        if (set) {
            setTo(credits);
        } else {
            grantMore(credits);
        }
    }

    private void grant(int credits) {
        if (closed || credits <= 0) {
            return;
        }
        granted += credits;
        receiver.flow(credits);
        connection.flush();
    }

    /** Total credit granted over the link's life. */
    long granted() {
        return granted;
    }

    private void startTicker(CreditPolicy.Bucket bucket) {
        long period = bucket.tick().toMillis();
        ticker = connection.hub().scheduler().scheduleAtFixedRate(() -> connection.runLater(this::topUp), period, period, TimeUnit.MILLISECONDS);
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    void close() {
        onEventLoop(() -> {
            closed = true;
            stopTicker();
        });
    }

    private void onEventLoop(Runnable work) {
        if (connection.isHandler()) {
            work.run();
        } else {
            connection.runLater(work);
        }
    }
}
