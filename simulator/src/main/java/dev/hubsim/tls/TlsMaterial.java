package dev.hubsim.tls;

import dev.hubsim.config.ConfigException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The TLS material the AMQPS endpoint serves with, and what a client needs to trust it.
 *
 * @param keyStore           PKCS12 key store with the server key and certificate chain
 * @param caCertificatePem   the local CA as PEM (null for a user-supplied key store)
 * @param trustStore         PKCS12 trust store holding the CA (null for a user-supplied key store)
 */
public record TlsMaterial(Path keyStore, String keyStorePassword, Path caCertificatePem, Path trustStore, String trustStorePassword) {

    /** The local CA's material under {@code dir}, created on first use (see {@link LocalCertificateAuthority}). */
    public static TlsMaterial localCa(Path dir, java.util.List<String> hostNames) {
        return LocalCertificateAuthority.ensure(dir, hostNames);
    }

    /** A key store the user brings; checked now so a bad path or password fails at start with one clear line. */
    public static TlsMaterial userSupplied(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password == null ? null : password.toCharArray());
            if (!ks.aliases().hasMoreElements()) {
                throw new ConfigException("key store " + keyStore + " holds no key");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot read key store " + keyStore + ": " + e.getMessage(), e);
        }
        return new TlsMaterial(keyStore, password, null, null, null);
    }

    /** An SSL context that trusts exactly this simulator's CA, for clients in tests. */
    public SSLContext clientContext() {
        if (trustStore == null) {
            throw new IllegalStateException("a user-supplied key store has no exported trust store; trust its CA yourself");
        }
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, trustStorePassword.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load trust store " + trustStore, e);
        }
    }
}
