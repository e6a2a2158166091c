package dev.hubsim.amqp;

import dev.hubsim.tls.TlsMaterial;
import org.apache.activemq.artemis.core.remoting.impl.ssl.DefaultSSLContextFactory;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextConfig;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextFactory;

import javax.net.ssl.SSLContext;
import java.util.Map;

/**
 * Artemis' SSL context factory (found through {@code META-INF/services}, above Artemis' own): an acceptor on a
 * simulator's key store gets the context the simulator already loaded ({@link TlsMaterial#serverContext()}) instead of
 * loading the PKCS12 file again; any other TLS configuration is Artemis' default handling.
 */
public final class SharedSslContexts implements SSLContextFactory {
    private final SSLContextFactory fallback = new DefaultSSLContextFactory();

    @Override
    public SSLContext getSSLContext(SSLContextConfig config, Map<String, Object> additionalOpts) throws Exception {
        SSLContext shared = config.getTruststorePath() == null && !config.isTrustAll()
                ? TlsMaterial.sharedServerContext(config.getKeystorePath(), config.getKeystorePassword()) : null;
        return shared != null ? shared : fallback.getSSLContext(config, additionalOpts);
    }

    @Override
    public int getPriority() {
        return 50;
    }
}
