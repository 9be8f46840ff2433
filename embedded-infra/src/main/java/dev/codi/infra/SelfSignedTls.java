package dev.codi.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    /** Writes {@code broker.p12}, {@code broker.crt} and {@code truststore.p12} into {@code directory}. */
    public static SelfSignedTls generate(Path directory) {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path keyStore = directory.resolve("broker.p12");
        Path certificate = directory.resolve("broker.crt");
        Path trustStore = directory.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + LocalPorts.LOOPBACK_HOST, "-ext", "SAN=ip:" + LocalPorts.LOOPBACK_HOST,
                "-storetype", STORE_TYPE, "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", password,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(),
                "-storetype", STORE_TYPE, "-keystore", trustStore.toString(), "-storepass", password);
        return new SelfSignedTls(keyStore, trustStore, password);
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
