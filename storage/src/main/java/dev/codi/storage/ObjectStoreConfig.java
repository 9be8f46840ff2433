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
 * @param accessKey access key id for AWS Signature V4 (static credentials only, else null)
 * @param secretKey secret access key; never printed by {@link #toString()} (static credentials only, else null)
 * @param bucket    the one bucket all of codi's objects live in
 * @param region    signing region; MinIO and S3Proxy accept any, AWS needs the bucket's own
 * @param connectTimeout longest wait for a connection ({@code CODI_S3_CONNECT_TIMEOUT_MS}, default 5000)
 * @param ioTimeout      longest wait for a read or write to progress ({@code CODI_S3_IO_TIMEOUT_MS},
 *                       default 20000); a whole call may take at most four times this
 * @param publicEndpoint base URL clients outside the services reach the store at; presigned URLs are
 *                       signed for its host ({@code CODI_S3_PUBLIC_ENDPOINT}, default {@code endpoint})
 * @param credentials    where the keys come from ({@code CODI_S3_CREDENTIALS}, default {@code static})
 * @param createBucket   create the bucket when missing; when false it must exist
 *                       ({@code CODI_S3_CREATE_BUCKET}, default true)
 */
public record ObjectStoreConfig(URI endpoint, String accessKey, String secretKey, String bucket, String region,
                                Duration connectTimeout, Duration ioTimeout, URI publicEndpoint,
                                CredentialSource credentials, boolean createBucket) {

    public static final String ENDPOINT_VARIABLE = "CODI_S3_ENDPOINT";
    public static final String ACCESS_KEY_VARIABLE = "CODI_S3_ACCESS_KEY";
    public static final String SECRET_KEY_VARIABLE = "CODI_S3_SECRET_KEY";
    public static final String BUCKET_VARIABLE = "CODI_S3_BUCKET";
    public static final String REGION_VARIABLE = "CODI_S3_REGION";
    public static final String CONNECT_TIMEOUT_VARIABLE = "CODI_S3_CONNECT_TIMEOUT_MS";
    public static final String IO_TIMEOUT_VARIABLE = "CODI_S3_IO_TIMEOUT_MS";
    public static final String PUBLIC_ENDPOINT_VARIABLE = "CODI_S3_PUBLIC_ENDPOINT";
    public static final String CREDENTIALS_VARIABLE = "CODI_S3_CREDENTIALS";
    public static final String CREATE_BUCKET_VARIABLE = "CODI_S3_CREATE_BUCKET";
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

    /**
     * Where the store's keys come from, each a provider of the MinIO client.
     * {@code env}: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN};
     * {@code aws-config}: the AWS shared credentials file ({@code AWS_SHARED_CREDENTIALS_FILE}, default
     * {@code ~/.aws/credentials}, profile {@code AWS_PROFILE}); {@code iam}: web identity
     * ({@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_ROLE_ARN}), the ECS task role or the EC2 instance role.
     */
    public enum CredentialSource {
        STATIC("static"), ENV("env"), AWS_CONFIG("aws-config"), IAM("iam");

        private final String name;

        CredentialSource(String name) {
            this.name = name;
        }

        public static CredentialSource parse(String value) {
            for (CredentialSource source : values()) {
                if (source.name.equals(value)) {
                    return source;
                }
            }
            throw new IllegalArgumentException(CREDENTIALS_VARIABLE + " must be one of static, env, aws-config, iam, got '"
                    + value + "'");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public ObjectStoreConfig {
        requireHttpUrl("endpoint", endpoint);
        publicEndpoint = publicEndpoint == null ? endpoint : publicEndpoint;
        requireHttpUrl("public endpoint", publicEndpoint);
        Objects.requireNonNull(credentials, "credentials");
        if (credentials == CredentialSource.STATIC) {
            requireText("accessKey", accessKey);
            requireText("secretKey", secretKey);
        }
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

    /** Static keys, one endpoint for services and clients, the bucket created when missing. */
    public ObjectStoreConfig(URI endpoint, String accessKey, String secretKey, String bucket, String region,
                             Duration connectTimeout, Duration ioTimeout) {
        this(endpoint, accessKey, secretKey, bucket, region, connectTimeout, ioTimeout, endpoint, CredentialSource.STATIC, true);
    }

    /** With the default timeouts. */
    public ObjectStoreConfig(URI endpoint, String accessKey, String secretKey, String bucket, String region) {
        this(endpoint, accessKey, secretKey, bucket, region, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT);
    }

    /**
     * Reads {@code CODI_S3_ENDPOINT} (required), {@code CODI_S3_CREDENTIALS} (default {@code static}:
     * then {@code CODI_S3_ACCESS_KEY} and {@code CODI_S3_SECRET_KEY} are required),
     * {@code CODI_S3_BUCKET} (default {@value #DEFAULT_BUCKET}), {@code CODI_S3_REGION} (default
     * {@value #DEFAULT_REGION}), {@code CODI_S3_PUBLIC_ENDPOINT} and {@code CODI_S3_CREATE_BUCKET}.
     *
     * @param environment usually {@code System.getenv()}
     */
    public static ObjectStoreConfig fromEnvironment(Map<String, String> environment) {
        URI endpointUri = url(ENDPOINT_VARIABLE, required(environment, ENDPOINT_VARIABLE, "the S3 server's URL, e.g. http://minio:9000"));
        String publicEndpoint = optional(environment, PUBLIC_ENDPOINT_VARIABLE, null);
        CredentialSource credentials = CredentialSource.parse(optional(environment, CREDENTIALS_VARIABLE, "static"));
        boolean staticKeys = credentials == CredentialSource.STATIC;
        String createBucket = optional(environment, CREATE_BUCKET_VARIABLE, "true");
        if (!createBucket.equals("true") && !createBucket.equals("false")) {
            throw new IllegalArgumentException(CREATE_BUCKET_VARIABLE + " must be true or false, got '" + createBucket + "'");
        }
        return new ObjectStoreConfig(
                endpointUri,
                staticKeys ? required(environment, ACCESS_KEY_VARIABLE, "the access key id") : null,
                staticKeys ? required(environment, SECRET_KEY_VARIABLE, "the secret access key") : null,
                optional(environment, BUCKET_VARIABLE, DEFAULT_BUCKET),
                optional(environment, REGION_VARIABLE, DEFAULT_REGION),
                Duration.ofMillis(Long.parseLong(optional(environment, CONNECT_TIMEOUT_VARIABLE,
                        Long.toString(DEFAULT_CONNECT_TIMEOUT.toMillis())))),
                Duration.ofMillis(Long.parseLong(optional(environment, IO_TIMEOUT_VARIABLE,
                        Long.toString(DEFAULT_IO_TIMEOUT.toMillis())))),
                publicEndpoint == null ? null : url(PUBLIC_ENDPOINT_VARIABLE, publicEndpoint),
                credentials,
                Boolean.parseBoolean(createBucket));
    }

    @Override
    public String toString() {
        return "ObjectStoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket="
                + bucket + ", region=" + region + ", connectTimeout=" + connectTimeout + ", ioTimeout=" + ioTimeout
                + ", publicEndpoint=" + publicEndpoint + ", credentials=" + credentials + ", createBucket=" + createBucket + "]";
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

    private static URI url(String variable, String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " is not a valid URL: " + value, e);
        }
    }

    private static void requireHttpUrl(String name, URI url) {
        Objects.requireNonNull(url, name);
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http(s) URL with a host, got " + url);
        }
    }

    private static void requireText(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
