package dev.hubsim.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CA of this machine's own, made on first start and kept in the data directory, that issues the server certificate.
 * Only this class uses BouncyCastle, so a start with existing material does not load it. Keys are EC P-256: quick to make and accepted by
 * the TLS stacks of every Azure SDK. None of this is ever a production key: it is made here and trusted only by
 * whoever imports the exported CA.
 */
final class LocalCertificateAuthority {
    static final String KEY_STORE_PASSWORD = TlsMaterial.KEY_STORE_PASSWORD;
    static final String TRUST_STORE_PASSWORD = TlsMaterial.TRUST_STORE_PASSWORD;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration SERVER_LIFETIME = Duration.ofDays(825);

    private LocalCertificateAuthority() {
    }

    /** Makes the CA: its key store, its PEM and a trust store holding it. */
    static void createCa(Path caStore, Path caPem, Path trustStore) throws IOException {
        try {
            writeCa(caStore, caPem, trustStore);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a CA under " + caStore.getParent(), e);
        }
    }

    /** Issues a server certificate for these names, signed by the CA in {@code caStore}. */
    static void issueServer(Path caStore, Path serverStore, Set<String> names) throws IOException {
        try {
            writeServer(caStore, serverStore, names);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a server certificate under " + serverStore.getParent(), e);
        }
    }

    private static void writeCa(Path caStore, Path caPem, Path trustStore) throws IOException, GeneralSecurityException,
            OperatorCreationException {
        KeyPair keys = ecKeys();
        X500Name name = new X500Name("CN=hubsim local test CA (not for production),O=hubsim");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(CA_LIFETIME)), name, keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate ca = sign(builder, keys.getPrivate());

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", keys.getPrivate(), KEY_STORE_PASSWORD.toCharArray(), new Certificate[]{ca});
        save(store, caStore, KEY_STORE_PASSWORD);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hubsim-ca", ca);
        save(trust, trustStore, TRUST_STORE_PASSWORD);

        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(ca);
        }
        Files.writeString(caPem, pem.toString());
    }

    private static void writeServer(Path caStore, Path serverStore, Set<String> names) throws IOException, GeneralSecurityException,
            OperatorCreationException {
        KeyStore ca = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(caStore)) {
            ca.load(in, KEY_STORE_PASSWORD.toCharArray());
        }
        PrivateKey caKey = (PrivateKey) ca.getKey("ca", KEY_STORE_PASSWORD.toCharArray());
        X509Certificate caCert = (X509Certificate) ca.getCertificate("ca");

        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(SERVER_LIFETIME)), new X500Name("CN=" + names.iterator().next() + ",O=hubsim"), keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            alt.add(isIp(n) ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress()) : new GeneralName(GeneralName.dNSName, n));
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        X509Certificate server = sign(builder, caKey);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), KEY_STORE_PASSWORD.toCharArray(), new Certificate[]{server, caCert});
        save(store, serverStore, KEY_STORE_PASSWORD);
    }

    private static boolean isIp(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException,
            OperatorCreationException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void save(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            store.store(out, password.toCharArray());
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
