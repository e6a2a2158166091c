package dev.hubsim.tls;

import dev.hubsim.config.ConfigException;

import javax.net.ssl.KeyManagerFactory;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    /** What identifies one version of a key store file: a changed file is loaded again. */
    private record StoreVersion(String path, long size, long modified, String password) {
        static StoreVersion of(Path keyStore, String password) throws IOException {
            Path p = keyStore.toAbsolutePath().normalize();
            return new StoreVersion(p.toString(), Files.size(p), Files.getLastModifiedTime(p).toMillis(), password);
        }
    }

    /** Server contexts by key store version, shared by every TLS face of every simulator in this JVM. */
    private static final Map<StoreVersion, SSLContext> SERVER_CONTEXTS = new ConcurrentHashMap<>();

    /**
     * The server's SSL context: its key store loaded once per JVM (per file version) and shared by the AMQPS acceptor
     * and the HTTPS front, of this simulator and of later ones on the same key store.
     */
    public SSLContext serverContext() {
        try {
            return SERVER_CONTEXTS.computeIfAbsent(StoreVersion.of(keyStore, keyStorePassword), TlsMaterial::load);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + keyStore, e);
        }
    }

    /**
     * The context {@link #serverContext()} made for this key store path and password, if it did and the file is
     * unchanged; else null. For the broker's TLS acceptor, which names its key store by path.
     */
    public static SSLContext sharedServerContext(String keyStorePath, String password) {
        if (keyStorePath == null) {
            return null;
        }
        try {
            return SERVER_CONTEXTS.get(StoreVersion.of(Path.of(keyStorePath), password));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static SSLContext load(StoreVersion version) {
        try (InputStream in = Files.newInputStream(Path.of(version.path()))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] password = version.password() == null ? null : version.password().toCharArray();
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load key store " + version.path() + ": " + e.getMessage(), e);
        }
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
