package dev.hubsim.testing;

import dev.hubsim.SimulatorInfo;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/** Trust built from the simulator's exported PKCS12 trust store with plain JDK calls, as a user would build it. */
public final class ExportedTrust {
    private ExportedTrust() {
    }

    public static SSLContext sslContext(SimulatorInfo info) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(info.trustStore()))) {
            trust.load(in, info.trustStorePassword().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * Makes the hub's trust the JVM's default for {@link HttpsURLConnection}, which the service SDK's clients use with no
     * SSLContext option (real-clients.md §3.3); closing puts the previous default back.
     */
    public static AutoCloseable asHttpsUrlConnectionDefault(SimulatorInfo info) throws Exception {
        SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(sslContext(info).getSocketFactory());
        return () -> HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
}
