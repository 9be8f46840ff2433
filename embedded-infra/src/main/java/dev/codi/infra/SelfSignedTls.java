package dev.codi.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for the loopback address, made with the JDK's {@code keytool}: the
 * broker's PKCS12 key store, and a PKCS12 trust store holding only that certificate for clients.
 * The certificate names {@value LocalPorts#LOOPBACK_HOST} as an IP subject alternative name, so
 * clients keep Kafka's default hostname verification ({@code ssl.endpoint.identification.algorithm=https}).
 *
 * @param password protects both stores (and the key)
 */
public record SelfSignedTls(Path keyStore, Path trustStore, String password) {

    /** What {@code ssl.keystore.type} and {@code ssl.truststore.type} say. */
    public static final String STORE_TYPE = "PKCS12";

    private static final String ALIAS = "codi-broker";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Writes {@code broker.p12} and {@code truststore.p12} into {@code directory}. */
    public static SelfSignedTls generate(Path directory) {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path keyStore = directory.resolve("broker.p12");
        Path trustStore = directory.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + LocalPorts.LOOPBACK_HOST, "-ext", "SAN=ip:" + LocalPorts.LOOPBACK_HOST,
                "-storetype", STORE_TYPE, "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        writeTrustStore(keyStore, trustStore, password);
        return new SelfSignedTls(keyStore, trustStore, password);
    }

    /** What {@code keytool -exportcert} then {@code -importcert} do, without two more JVM starts. */
    private static void writeTrustStore(Path keyStore, Path trustStore, String password) {
        char[] secret = password.toCharArray();
        try (InputStream in = Files.newInputStream(keyStore); OutputStream out = Files.newOutputStream(trustStore)) {
            KeyStore keys = KeyStore.getInstance(STORE_TYPE);
            keys.load(in, secret);
            KeyStore trusted = KeyStore.getInstance(STORE_TYPE);
            trusted.load(null, secret);
            trusted.setCertificateEntry(ALIAS, keys.getCertificate(ALIAS));
            trusted.store(out, secret);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write trust store " + trustStore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not write trust store " + trustStore, e);
        }
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments[0] + " did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed (exit " + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
