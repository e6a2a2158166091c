package dev.hubsim.client;

/**
 * The imp agent's AMQP limits and the exact errors it reports (seeds/imp-amqp-object.txt, "AMQP Rate Limitations").
 * This is the one place the client defines them.
 */
public final class ImpLimits {
    public static final int MAX_CONNECTIONS = 4;
    public static final int MAX_SESSIONS = 16;
    /** Senders and receivers combined. */
    public static final int MAX_LINKS = 64;
    /** Message credit: 40 at once, regenerating 2 per second up to 40. */
    public static final int RATE_CAPACITY = 40;
    public static final double RATE_PER_SECOND = 2.0;

    public static final String CONNECTION_LIMIT = "max connection limit reached in amqp.openconnection(url, callback)";
    public static final String SESSION_LIMIT = "max session limit reached in amqpconnection.opensession(url, callback)";
    public static final String SENDER_LIMIT = "max link limit reached in amqpsession.opensender(url, callback)";
    public static final String RECEIVER_LIMIT = "max link limit reached in amqpsession.openreceiver(url, callback)";
    public static final String RATE_EXCEEDED = "message rate exceeded in amqptransfer.sendasync(callback)";

    private ImpLimits() {
    }
}
