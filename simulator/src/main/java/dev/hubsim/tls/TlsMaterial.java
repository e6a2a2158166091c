package dev.hubsim.tls;

import dev.hubsim.config.ConfigException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The TLS material the AMQPS endpoint serves with, and what a client needs to trust it.
 *
 * @param keyStore           PKCS12 key store with the server key and certificate chain
 * @param caCertificatePem   the local CA as PEM (null for a user-supplied key store)
 * @param trustStore         PKCS12 trust store holding the CA (null for a user-supplied key store)
 */
public record TlsMaterial(Path keyStore, String keyStorePassword, Path caCertificatePem, Path trustStore, String trustStorePassword) {

    static final String KEY_STORE_PASSWORD = "hubsim";
    /** The JDK's conventional trust-store password, so users need not look it up. */
    static final String TRUST_STORE_PASSWORD = "changeit";

    /**
     * The local CA's material under {@code dir}: the CA is made on first use, and the server certificate is re-issued
     * when the host names change (its names: localhost, 127.0.0.1, ::1 and the hub's host names).
     */
    public static synchronized TlsMaterial localCa(Path dir, List<String> hostNames) {
        Path caStore = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path trustStore = dir.resolve("truststore.p12");
        Path serverStore = dir.resolve("server.p12");
        Path namesFile = dir.resolve("server-names.txt");
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        names.addAll(hostNames);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        // Test JVMs may share one data directory; the lock keeps two of them from making two different CAs.
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (!Files.exists(caStore) || !Files.exists(caPem) || !Files.exists(trustStore)) {
                LocalCertificateAuthority.createCa(caStore, caPem, trustStore);
                Files.deleteIfExists(serverStore);
            }
            String wanted = String.join("\n", names);
            if (!Files.exists(serverStore) || !Files.exists(namesFile) || !Files.readString(namesFile).equals(wanted)) {
                LocalCertificateAuthority.issueServer(caStore, serverStore, names);
                Files.writeString(namesFile, wanted);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material under " + dir, e);
        }
        return new TlsMaterial(serverStore, KEY_STORE_PASSWORD, caPem, trustStore, TRUST_STORE_PASSWORD);
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
