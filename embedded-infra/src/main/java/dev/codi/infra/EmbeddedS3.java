package dev.codi.infra;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server in this JVM: S3Proxy over a jclouds {@code filesystem} blob store,
 * listening on a free loopback port and requiring AWS Signature V4 (or V2) authentication, so
 * clients run exactly the code they run against MinIO or AWS S3.
 *
 * <p>Buckets are directories and objects are files under the data directory; user metadata is
 * kept in the files' extended attributes (ext4, xfs and btrfs support them).
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    /** jclouds' name for the blob store that maps buckets to directories. */
    private static final String FILESYSTEM_PROVIDER = "filesystem";

    /** 20 characters, the length of an AWS access key id. */
    private static final int ACCESS_KEY_RANDOM_BYTES = 10;
    /** 40 characters, the length of an AWS secret access key. */
    private static final int SECRET_KEY_RANDOM_BYTES = 20;

    private final S3Proxy proxy;
    private final BlobStoreContext blobStoreContext;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private boolean closed;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext blobStoreContext, URI endpoint, String accessKey,
                       String secretKey, Path dataDirectory, boolean deleteOnClose) {
        this.proxy = proxy;
        this.blobStoreContext = blobStoreContext;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dataDirectory = dataDirectory;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a server on a temporary directory (deleted on close) with freshly generated credentials. */
    public static EmbeddedS3 start() {
        return start(Directories.createTemp("codi-s3-"), true, randomHex(ACCESS_KEY_RANDOM_BYTES),
                randomHex(SECRET_KEY_RANDOM_BYTES));
    }

    /**
     * Starts a server whose buckets live in {@code dataDirectory}, kept on close, accepting only
     * the given credentials (a launcher that restarts wants the same keys and the same objects).
     */
    public static EmbeddedS3 start(Path dataDirectory, String accessKey, String secretKey) {
        requireCredential("accessKey", accessKey);
        requireCredential("secretKey", secretKey);
        return start(Directories.createIfMissing(dataDirectory), false, accessKey, secretKey);
    }

    private static EmbeddedS3 start(Path dataDirectory, boolean deleteOnClose, String accessKey, String secretKey) {
        long startedAt = System.nanoTime();
        Properties overrides = new Properties();
        overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDirectory.toString());
        BlobStoreContext context = ContextBuilder.newBuilder(FILESYSTEM_PROVIDER)
                .overrides(overrides)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                // Port 0: the OS picks a free port, read back after start.
                .endpoint(URI.create("http://" + LocalPorts.LOOPBACK_HOST + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            stopQuietly(proxy);
            context.close();
            throw new IllegalStateException("the in-process S3 server failed to start", e);
        }
        URI endpoint = URI.create("http://" + LocalPorts.LOOPBACK_HOST + ":" + proxy.getPort());
        LOG.info("S3 server started at {} in {} ms (data in {})",
                endpoint, (System.nanoTime() - startedAt) / 1_000_000, dataDirectory);
        return new EmbeddedS3(proxy, context, endpoint, accessKey, secretKey, dataDirectory, deleteOnClose);
    }

    /** {@code http://127.0.0.1:<port>}, for an S3 client's endpoint (path-style addressing). */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(proxy);
        blobStoreContext.close();
        if (deleteOnClose) {
            try {
                Directories.deleteRecursively(dataDirectory);
            } catch (IOException e) {
                // The server is already down; a leftover temp directory is not worth failing close() for.
                LOG.warn("could not delete S3 data directory {}", dataDirectory, e);
            }
        }
        LOG.info("S3 server at {} stopped", endpoint);
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("S3 server did not stop cleanly", e);
        }
    }

    private static void requireCredential(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
