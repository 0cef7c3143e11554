package dev.raftify.cluster;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throwaway CA and certificates for TLS tests, written as PEM files; nothing is committed. */
final class TestCertificates {
    private TestCertificates() {}

    /** A CA plus one certificate it signed, valid for 127.0.0.1 and localhost. */
    record Set(Path caCert, Path cert, Path key) {}

    static Set create(Path dir, String name) throws IOException, GeneralSecurityException, OperatorCreationException {
        Files.createDirectories(dir);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair caKeys = gen.generateKeyPair();
        X500Name caName = new X500Name("CN=" + name + " test CA");
        Date from = new Date(System.currentTimeMillis() - 60_000);
        Date to = new Date(System.currentTimeMillis() + 86_400_000L);
        X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName,
                caKeys.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate caCert = sign(ca, caKeys);

        KeyPair nodeKeys = gen.generateKeyPair();
        X509v3CertificateBuilder node = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                new X500Name("CN=" + name + " node"), nodeKeys.getPublic());
        node.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate nodeCert = sign(node, caKeys);

        Set s = new Set(dir.resolve("ca.pem"), dir.resolve("node.pem"), dir.resolve("node.key"));
        writePem(s.caCert(), caCert);
        writePem(s.cert(), nodeCert);
        writePem(s.key(), new JcaPKCS8Generator(nodeKeys.getPrivate(), null).generate());
        return s;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    }

    private static void writePem(Path file, Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
        Files.writeString(file, w.toString(), StandardCharsets.US_ASCII);
    }
}
