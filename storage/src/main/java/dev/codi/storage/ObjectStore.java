package dev.codi.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.credentials.AwsConfigProvider;
import io.minio.credentials.AwsEnvironmentProvider;
import io.minio.credentials.IamAwsProvider;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.http.HttpUtils;
import io.minio.http.Method;
import okhttp3.OkHttpClient;
import io.minio.messages.Item;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * codi's object store: one bucket on an S3-compatible server, through the MinIO Java client.
 *
 * <p>Every method blocks on network I/O: call it from a worker thread, never from an event loop.
 * Each object carries its SHA-256 as user metadata ({@code x-amz-meta-sha256}) so that
 * {@link #stat} can report it without reading the content. Thread-safe.
 *
 * <p>Calls made within a trace (a job's span current on the calling thread) get a client span
 * each, named {@code S3 <operation>} with the bucket and key (OpenTelemetry's AWS S3 semantic
 * conventions); calls outside any trace (readiness checks) get none.
 */
public final class ObjectStore implements AutoCloseable {

    /** User-metadata name of the content hash; S3 sends it as header {@code x-amz-meta-sha256}. */
    static final String SHA256_METADATA = "sha256";

    /** AWS Signature V4 allows presigned URLs valid from 1 second to 7 days (X-Amz-Expires). */
    public static final Duration MAX_PRESIGNED_EXPIRY = Duration.ofDays(7);

    /** S3 error codes that ask the client to try again later. */
    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeTooSkewed", "XMinioServerNotInitialized");
    /** S3 error codes for a missing object (HEAD responses carry no body; MinIO names them NoSuchKey). */
    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject");
    private static final String BUCKET_ALREADY_OWNED = "BucketAlreadyOwnedByYou";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** Let the MinIO client choose the part size from the known object size. */
    private static final long AUTOMATIC_PART_SIZE = -1;

    private final ObjectStoreConfig config;
    private final MinioClient client;
    /** Signs presigned URLs for the public endpoint; never sends a request (its region is fixed). */
    private final MinioClient presigner;
    private final Tracer tracer;

    public ObjectStore(ObjectStoreConfig config) {
        this(config, OpenTelemetry.noop());
    }

    public ObjectStore(ObjectStoreConfig config, OpenTelemetry openTelemetry) {
        this.config = Objects.requireNonNull(config, "config");
        this.tracer = openTelemetry.getTracer("dev.codi.storage");
        OkHttpClient http = httpClient(config);
        Provider credentials = credentials(config, http);
        this.client = MinioClient.builder()
                .endpoint(config.endpoint().toString())
                .credentialsProvider(credentials)
                // A fixed region spares a GetBucketLocation round trip before each first request.
                .region(config.region())
                .httpClient(http, true)
                .build();
        // SigV4 signs the Host header, so a URL for clients outside the services' network must be
        // signed for the host they reach the store at, not rewritten afterwards.
        this.presigner = config.publicEndpoint().equals(config.endpoint()) ? client : MinioClient.builder()
                .endpoint(config.publicEndpoint().toString())
                .credentialsProvider(credentials)
                .region(config.region())
                .httpClient(http)
                .build();
    }

    /**
     * Bounded waits: a store that stops answering fails a call within these (transiently), instead
     * of holding a stage's only worker for the client's default five minutes. Nagle's algorithm is
     * off: with it, every object over the client's 8 KiB write buffer waited about 40 ms for a
     * delayed ACK (puts of 8–64 KiB took 55–65 ms against the embedded S3 server, 20–30 ms without).
     */
    static OkHttpClient httpClient(ObjectStoreConfig config) {
        return HttpUtils.newDefaultHttpClient(config.connectTimeout().toMillis(), config.ioTimeout().toMillis(),
                        config.ioTimeout().toMillis()).newBuilder()
                .callTimeout(config.ioTimeout().multipliedBy(4))
                .socketFactory(new NoDelaySocketFactory())
                .build();
    }

    private static Provider credentials(ObjectStoreConfig config, OkHttpClient http) {
        return switch (config.credentials()) {
            case STATIC -> new StaticProvider(config.accessKey(), config.secretKey(), null);
            case ENV -> new AwsEnvironmentProvider();
            case AWS_CONFIG -> new AwsConfigProvider(null, null);
            case IAM -> new IamAwsProvider(null, http);
        };
    }

    public ObjectStoreConfig config() {
        return config;
    }

    /**
     * True when the configured bucket exists, false when the store answers that it does not; an
     * {@link ObjectStoreException} when the store does not answer. Read-only: what a readiness
     * probe asks, every few seconds, without creating anything.
     */
    public boolean bucketReachable() {
        String bucket = config.bucket();
        return call("bucketExists", bucket, () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /**
     * Creates the configured bucket unless it exists; safe to call from several services at once.
     * With bucket creation off, fails when the bucket is missing.
     */
    public void ensureBucket() {
        String bucket = config.bucket();
        call("ensureBucket", bucket, () -> {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return null;
            }
            if (!config.createBucket()) {
                throw new ObjectStoreException("ensureBucket", bucket, "bucket " + bucket + " does not exist on "
                        + config.endpoint() + " (" + ObjectStoreConfig.CREATE_BUCKET_VARIABLE + "=false: create it first)", null);
            }
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(config.region()).build());
            } catch (ErrorResponseException e) {
                if (!BUCKET_ALREADY_OWNED.equals(e.errorResponse().code())) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** Stores {@code bytes} under {@code key}, replacing any previous object. */
    public StoredObject put(String key, byte[] bytes, String contentType) {
        ObjectKeys.requireSafeKey(key);
        Objects.requireNonNull(bytes, "bytes");
        requireContentType(contentType);
        String sha256Hex = SpooledContent.sha256Hex(bytes);
        call("put", key, () -> client.putObject(PutObjectArgs.builder()
                .bucket(config.bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, AUTOMATIC_PART_SIZE)
                .contentType(contentType)
                .userMetadata(Map.of(SHA256_METADATA, sha256Hex))
                .build()));
        return new StoredObject(key, contentType, bytes.length, sha256Hex);
    }

    /**
     * Stores everything {@code in} yields (it is read to its end, not closed). Content over
     * 5 MiB is spooled to a temporary file and uploaded in multipart chunks, so memory stays
     * bounded whatever the size.
     *
     * @throws ObjectTooLargeException as soon as {@code in} yields more than {@code maxBytes};
     *                                 nothing is stored and an existing object is left intact
     */
    public StoredObject put(String key, InputStream in, long maxBytes, String contentType) {
        ObjectKeys.requireSafeKey(key);
        Objects.requireNonNull(in, "in");
        requireContentType(contentType);
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        }
        return call("put", key, () -> {
            try (SpooledContent content = SpooledContent.read(key, in, maxBytes);
                 InputStream upload = content.open()) {
                client.putObject(PutObjectArgs.builder()
                        .bucket(config.bucket()).object(key)
                        .stream(upload, content.size(), AUTOMATIC_PART_SIZE)
                        .contentType(contentType)
                        .userMetadata(Map.of(SHA256_METADATA, content.sha256Hex()))
                        .build());
                return new StoredObject(key, contentType, content.size(), content.sha256Hex());
            }
        });
    }

    /** The whole content of {@code key}; for large objects prefer {@link #openStream}. */
    public byte[] get(String key) {
        try (InputStream in = openStream(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreException("get", key, e.toString(), e, true);
        }
    }

    /**
     * Opens the content of {@code key} for reading; the caller must close the stream.
     *
     * @throws ObjectNotFoundException if there is no such object
     */
    public InputStream openStream(String key) {
        ObjectKeys.requireSafeKey(key);
        return call("get", key, () -> client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build()));
    }

    /**
     * Size, content type and SHA-256 of {@code key}, or empty if there is no such object. An
     * object written by another tool (e.g. through a presigned PUT) has no stored hash; it is
     * then computed by reading the content once.
     */
    public Optional<StoredObject> stat(String key) {
        ObjectKeys.requireSafeKey(key);
        StatObjectResponse response;
        try {
            response = call("stat", key, () -> client.statObject(StatObjectArgs.builder()
                    .bucket(config.bucket()).object(key).build()));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
        String contentType = response.contentType() != null ? response.contentType() : DEFAULT_CONTENT_TYPE;
        String sha256Hex = response.userMetadata().get(SHA256_METADATA);
        if (sha256Hex == null) {
            sha256Hex = hashContent(key);
        }
        return Optional.of(new StoredObject(key, contentType, response.size(), sha256Hex));
    }

    public boolean exists(String key) {
        ObjectKeys.requireSafeKey(key);
        try {
            call("exists", key, () -> client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build()));
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    /** Removes {@code key}; removing a missing object is not an error (S3 DeleteObject semantics). */
    public void delete(String key) {
        ObjectKeys.requireSafeKey(key);
        call("delete", key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
            return null;
        });
    }

    /** Every object key starting with {@code prefix} (all levels below it), in S3's lexicographic order. */
    public List<String> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return call("list", prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(config.bucket()).prefix(prefix).recursive(true).build())) {
                String name = result.get().objectName();
                // Folder markers ("a/b/"), which filesystem-backed servers such as S3Proxy list,
                // are not objects; this library never writes a key ending in '/'.
                if (!name.endsWith("/")) {
                    keys.add(name);
                }
            }
            return keys;
        });
    }

    /**
     * Every object key starting with {@code prefix} whose object was last written before
     * {@code before} (S3's {@code LastModified}), in S3's lexicographic order: what a sweep deletes
     * by age, read from the listing alone, one request per thousand keys.
     */
    public List<String> listModifiedBefore(String prefix, java.time.Instant before) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(before, "before");
        return call("list", prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(config.bucket()).prefix(prefix).recursive(true).build())) {
                Item item = result.get();
                if (!item.objectName().endsWith("/") && item.lastModified() != null
                        && item.lastModified().toInstant().isBefore(before)) {
                    keys.add(item.objectName());
                }
            }
            return keys;
        });
    }

    /**
     * A URL anyone can GET {@code key} with until {@code expiry} has passed (AWS SigV4 query
     * authentication), signed for the public endpoint. Sends no request.
     */
    public URI presignedGet(String key, Duration expiry) {
        ObjectKeys.requireSafeKey(key);
        Objects.requireNonNull(expiry, "expiry");
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGNED_EXPIRY) > 0) {
            throw new IllegalArgumentException("expiry must be between 1 second and 7 days, got " + expiry);
        }
        return call("presignedGet", key, () -> URI.create(presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(config.bucket()).object(key)
                .expiry(Math.toIntExact(expiry.toSeconds()))
                .build())));
    }

    /** Releases the HTTP client's threads and pooled connections. */
    @Override
    public void close() {
        try {
            client.close(); // the presigner shares its HTTP client and sends nothing
        } catch (Exception e) {
            throw new ObjectStoreException("close", config.bucket(), e.toString(), e);
        }
    }

    private String hashContent(String key) {
        MessageDigest sha256 = SpooledContent.newSha256();
        try (InputStream in = new DigestInputStream(openStream(key), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new ObjectStoreException("stat", key, "could not hash the content: " + e, e);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static void requireContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new IllegalArgumentException("contentType must not be blank (use " + DEFAULT_CONTENT_TYPE
                    + " for opaque bytes)");
        }
    }

    /** A MinIO call; its API throws nine checked exception types. */
    @FunctionalInterface
    private interface MinioCall<T> {
        T call() throws Exception;
    }

    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<String> S3_BUCKET = AttributeKey.stringKey("aws.s3.bucket");
    private static final AttributeKey<String> S3_KEY = AttributeKey.stringKey("aws.s3.key");

    /**
     * Runs {@code minioCall} (in a client span when a trace is current), translating failures into
     * exceptions that name the operation and key.
     */
    private <T> T call(String operation, String key, MinioCall<T> minioCall) {
        Span parent = Span.fromContext(Context.current());
        if (!parent.getSpanContext().isValid() || operation.equals("presignedGet")) {
            return translated(operation, key, minioCall);
        }
        Span span = tracer.spanBuilder("S3 " + operation).setSpanKind(SpanKind.CLIENT)
                .setAttribute(RPC_SYSTEM, "aws-api").setAttribute(RPC_SERVICE, "S3").setAttribute(RPC_METHOD, operation)
                .setAttribute(S3_BUCKET, config.bucket()).setAttribute(S3_KEY, key)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return translated(operation, key, minioCall);
        } catch (ObjectNotFoundException e) {
            throw e; // an answer, not a failure: exists() and stat() ask
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private static <T> T translated(String operation, String key, MinioCall<T> minioCall) {
        try {
            return minioCall.call();
        } catch (ObjectStoreException e) {
            throw e;
        } catch (ErrorResponseException e) {
            if (NOT_FOUND_CODES.contains(e.errorResponse().code())) {
                throw new ObjectNotFoundException(operation, key, e);
            }
            boolean retryable = RETRYABLE_CODES.contains(e.errorResponse().code())
                    || (e.response() != null && e.response().code() >= 500);
            throw new ObjectStoreException(operation, key,
                    "S3 error " + e.errorResponse().code() + ": " + e.errorResponse().message(), e, retryable);
        } catch (IOException | ServerException | InvalidResponseException e) {
            // Unreachable, timed out, cut off, or a server error page: the store may answer later.
            throw new ObjectStoreException(operation, key, e.toString(), e, true);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ObjectStoreException(operation, key, e.toString(), e);
        }
    }
}
