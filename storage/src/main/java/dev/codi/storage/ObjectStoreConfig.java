package dev.codi.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the object store is and how to sign requests to it.
 *
 * @param endpoint  base URL of an S3-compatible server (MinIO, S3Proxy, AWS), http or https
 * @param accessKey access key id for AWS Signature V4
 * @param secretKey secret access key; never printed by {@link #toString()}
 * @param bucket    the one bucket all of codi's objects live in
 * @param region    signing region; MinIO and S3Proxy accept any, AWS needs the bucket's own
 * @param connectTimeout longest wait for a connection ({@code CODI_S3_CONNECT_TIMEOUT_MS}, default 5000)
 * @param ioTimeout      longest wait for a read or write to progress ({@code CODI_S3_IO_TIMEOUT_MS},
 *                       default 20000); a whole call may take at most four times this
 */
public record ObjectStoreConfig(URI endpoint, String accessKey, String secretKey, String bucket, String region,
                                Duration connectTimeout, Duration ioTimeout) {

    public static final String ENDPOINT_VARIABLE = "CODI_S3_ENDPOINT";
    public static final String ACCESS_KEY_VARIABLE = "CODI_S3_ACCESS_KEY";
    public static final String SECRET_KEY_VARIABLE = "CODI_S3_SECRET_KEY";
    public static final String BUCKET_VARIABLE = "CODI_S3_BUCKET";
    public static final String REGION_VARIABLE = "CODI_S3_REGION";
    public static final String CONNECT_TIMEOUT_VARIABLE = "CODI_S3_CONNECT_TIMEOUT_MS";
    public static final String IO_TIMEOUT_VARIABLE = "CODI_S3_IO_TIMEOUT_MS";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(20);

    public static final String DEFAULT_BUCKET = "codi";
    /** The region MinIO reports by default and AWS's original one. */
    public static final String DEFAULT_REGION = "us-east-1";

    /**
     * S3 bucket naming rules: 3–63 characters of lowercase letters, digits, dots and hyphens,
     * starting and ending with a letter or digit
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
     */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public ObjectStoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL with a host, got " + endpoint);
        }
        requireText("accessKey", accessKey);
        requireText("secretKey", secretKey);
        requireText("region", region);
        Objects.requireNonNull(bucket, "bucket");
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("bucket must be 3-63 lowercase letters, digits, dots or hyphens, "
                    + "starting and ending with a letter or digit, got '" + bucket + "'");
        }
        if (connectTimeout.toMillis() < 1 || ioTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("object-store timeouts must be positive, got connect " + connectTimeout
                    + ", read/write " + ioTimeout);
        }
    }

    /** With the default timeouts. */
    public ObjectStoreConfig(URI endpoint, String accessKey, String secretKey, String bucket, String region) {
        this(endpoint, accessKey, secretKey, bucket, region, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT);
    }

    /**
     * Reads {@code CODI_S3_ENDPOINT}, {@code CODI_S3_ACCESS_KEY} and {@code CODI_S3_SECRET_KEY}
     * (required), {@code CODI_S3_BUCKET} (default {@value #DEFAULT_BUCKET}) and
     * {@code CODI_S3_REGION} (default {@value #DEFAULT_REGION}).
     *
     * @param environment usually {@code System.getenv()}
     */
    public static ObjectStoreConfig fromEnvironment(Map<String, String> environment) {
        String endpoint = required(environment, ENDPOINT_VARIABLE, "the S3 server's URL, e.g. http://minio:9000");
        URI endpointUri;
        try {
            endpointUri = URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + " is not a valid URL: " + endpoint, e);
        }
        return new ObjectStoreConfig(
                endpointUri,
                required(environment, ACCESS_KEY_VARIABLE, "the access key id"),
                required(environment, SECRET_KEY_VARIABLE, "the secret access key"),
                optional(environment, BUCKET_VARIABLE, DEFAULT_BUCKET),
                optional(environment, REGION_VARIABLE, DEFAULT_REGION),
                Duration.ofMillis(Long.parseLong(optional(environment, CONNECT_TIMEOUT_VARIABLE,
                        Long.toString(DEFAULT_CONNECT_TIMEOUT.toMillis())))),
                Duration.ofMillis(Long.parseLong(optional(environment, IO_TIMEOUT_VARIABLE,
                        Long.toString(DEFAULT_IO_TIMEOUT.toMillis())))));
    }

    @Override
    public String toString() {
        return "ObjectStoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket="
                + bucket + ", region=" + region + ", connectTimeout=" + connectTimeout + ", ioTimeout=" + ioTimeout + "]";
    }

    private static String required(Map<String, String> environment, String name, String meaning) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set: it must hold " + meaning);
        }
        return value.trim();
    }

    private static String optional(Map<String, String> environment, String name, String fallback) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static void requireText(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
