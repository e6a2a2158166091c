package dev.hubsim.limits;



/**
 * The limits a profile sets. Connection, session and link limits count per client identity (the SASL PLAIN user, else
 * the AMQP container-id, else the client's address), as the seeds' per-agent limits do.
 */
public enum LimitKind {
    CONNECTIONS_PER_CLIENT("connection"),
    SESSIONS_PER_CLIENT("session"),
    LINKS_PER_CLIENT("link"),
    D2C_MESSAGE_BYTES("device-to-cloud message size"),
    C2D_MESSAGE_BYTES("cloud-to-device message size"),
    C2D_QUEUE_DEPTH("cloud-to-device queue depth"),
    /**
     * AMQP connections open at once from one remote address (IP), counted from the protocol header on, so clients that
     * connect and never finish opening are bounded too; past it the socket is closed at once.
     */
    CONNECTIONS_PER_ADDRESS("connections per address"),
    /**
     * Claims (distinct CBS audiences) one connection may hold; past it a put-token for a new audience is answered 403
     * (IoT Hub's IotHubMaxCbsTokenExceeded). Renewals of a held audience always pass.
     */
    CLAIMS_PER_CONNECTION("claims per connection");

    private final String noun;

    LimitKind(String noun) {
        this.noun = noun;
    }

    /** The refusal description: {@code max session limit reached (16)}. */
    public String reached(long value) {
        return "max " + noun + " limit reached (" + value + ")";
    }
}
