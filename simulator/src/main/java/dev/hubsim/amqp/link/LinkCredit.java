package dev.hubsim.amqp.link;

import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.CreditBucket;
import dev.hubsim.limits.CreditPolicy;
import dev.hubsim.limits.Limits;
import dev.hubsim.limits.LinkKind;
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
    private final LinkKind kind;
    private long granted;
    /** The client's bucket, shared by its links (a bucket of the link's own when the client is not known). */
    private CreditBucket bucket;
    /** The link's credit as last seen: what went since was used by transfers. */
    private int lastCredit;
    private ScheduledFuture<?> ticker;
    private boolean closed;

    LinkCredit(LinkHost connection, Receiver receiver, LinkKind kind, CreditPolicy policy) {
        this.connection = connection;
        this.receiver = receiver;
        this.kind = kind;
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
                Limits.Usage client = connection.clientUsage();
                bucket = client == null || connection.hub().deviations().contains(Deviation.CREDIT_BUCKET_PER_LINK)
                        ? new CreditBucket(b.capacity(), b.perSecond()) : client.bucket(kind, b);
                grant(bucket.take(b.capacity()) + (connection.hub().deviations().contains(Deviation.CREDIT_BEYOND_BUCKET) ? 1 : 0));
                lastCredit = receiver.getCredit();
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
        } else if (policy instanceof CreditPolicy.Bucket b && bucket != null) {
            int credit = receiver.getCredit();
            bucket.returned(Math.max(0, lastCredit - credit));
            grant(bucket.take(b.capacity() - credit));
            lastCredit = receiver.getCredit();
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
            if (bucket != null) {
                bucket.returned(lastCredit);
                bucket = null;
            }
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
            if (bucket != null) {
                // What the link held unused goes back to the client's room (the bucket then refills at its rate).
                bucket.returned(lastCredit);
                bucket = null;
            }
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
