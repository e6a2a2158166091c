package dev.hubsim.probe;

import javax.net.ssl.SSLContext;

/** Where a probe connects: the socket address, the TLS trust (null for plain AMQP) and the Open hostname. */
public record Endpoint(String host, int port, SSLContext tls, String virtualHost) {
}
