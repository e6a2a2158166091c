package dev.hubsim.probe;

/** How a probe connection authenticates at the SASL layer; a null mechanism sends the plain AMQP header (no SASL). */
public record SaslChoice(String mechanism, String user, String password) {
    public static SaslChoice anonymous() {
        return new SaslChoice("ANONYMOUS", null, null);
    }

    public static SaslChoice mssbcbs() {
        return new SaslChoice("MSSBCBS", null, null);
    }

    public static SaslChoice plain(String user, String password) {
        return new SaslChoice("PLAIN", user, password);
    }

    public static SaslChoice none() {
        return new SaslChoice(null, null, null);
    }
}
