package dev.hubsim.tls;

import dev.hubsim.HubSimulator;
import dev.hubsim.junit.HubSimulatorExtension;
import dev.hubsim.probe.SaslChoice;
import dev.hubsim.testing.AmqpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AMQPS endpoint's TLS: versions, the generated CA and certificate, and a user's own key store. */
class TlsEndpointTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void bothTlsVersionsAreServed(String version) throws Exception {
        HubSimulator hub = HUB.simulator();
        try (SSLSocket socket = (SSLSocket) hub.tls().clientContext().getSocketFactory().createSocket("127.0.0.1", hub.amqpsPort())) {
            socket.setEnabledProtocols(new String[]{version});
            socket.startHandshake();
            assertEquals(version, socket.getSession().getProtocol());
        }
    }

    @Test
    void theServerCertificateNamesLoopbackAndTheHubsHostsAndPassesHostNameChecks() throws Exception {
        HubSimulator hub = HUB.simulator();
        for (String host : List.of("localhost", "127.0.0.1")) {
            try (SSLSocket socket = (SSLSocket) hub.tls().clientContext().getSocketFactory().createSocket(host, hub.amqpsPort())) {
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // what HttpsURLConnection and the Event Hubs client do
                socket.setSSLParameters(params);
                socket.startHandshake();
                X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                Set<String> names = server.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).collect(Collectors.toSet());
                assertTrue(names.containsAll(Set.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "simhub.azure-devices.net")), names.toString());
            }
        }
    }

    @Test
    void theExportedPemIsTheCaThatSignedTheServerCertificate() throws Exception {
        HubSimulator hub = HUB.simulator();
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(hub.tls().caCertificatePem())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (SSLSocket socket = (SSLSocket) hub.tls().clientContext().getSocketFactory().createSocket("127.0.0.1", hub.amqpsPort())) {
            socket.startHandshake();
            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            server.verify(ca.getPublicKey());
            assertTrue(ca.getSubjectX500Principal().getName().contains("not for production"), ca.getSubjectX500Principal().getName());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefusedAtTheHandshake() throws Exception {
        HubSimulator hub = HUB.simulator();
        javax.net.ssl.SSLContext jdkDefault = javax.net.ssl.SSLContext.getInstance("TLS");
        jdkDefault.init(null, null, null);
        assertThrows(SSLHandshakeException.class, () -> AmqpTestClient.tls(hub.amqpsPort(), jdkDefault, SaslChoice.anonymous()));
    }

    @Test
    void theServerCertificateIsReissuedWhenHostNamesChangeUnderTheSameCa(@TempDir Path dir) throws Exception {
        TlsMaterial first = TlsMaterial.localCa(dir, List.of("one.example"));
        String ca = Files.readString(first.caCertificatePem());
        X509Certificate before = serverCertificate(first);
        TlsMaterial again = TlsMaterial.localCa(dir, List.of("one.example"));
        assertEquals(before, serverCertificate(again), "same names: the certificate is reused");
        TlsMaterial second = TlsMaterial.localCa(dir, List.of("two.example"));
        X509Certificate after = serverCertificate(second);
        assertNotEquals(before, after);
        assertTrue(after.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("two.example")));
        assertEquals(ca, Files.readString(second.caCertificatePem()), "the CA users trust stays the same");
    }

    @Test
    void aUsersOwnKeyStoreIsServed(@TempDir Path dir) throws Exception {
        TlsMaterial own = TlsMaterial.localCa(dir.resolve("own-ca"), List.of("own.example"));
        Path copy = Files.copy(own.keyStore(), dir.resolve("mine.p12"));
        try (HubSimulator hub = HubSimulator.builder().dataDir(dir.resolve("data")).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0)
                .keyStore(copy, own.keyStorePassword()).start();
             SSLSocket socket = (SSLSocket) own.clientContext().getSocketFactory().createSocket("127.0.0.1", hub.amqpsPort())) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertEquals(serverCertificate(own), served);
            assertEquals(null, hub.info().trustStore(), "no trust store is exported for a user's key store");
        }
    }

    private static X509Certificate serverCertificate(TlsMaterial tls) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            ks.load(in, tls.keyStorePassword().toCharArray());
        }
        return (X509Certificate) ks.getCertificate("server");
    }
}
