package dev.codi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codi.infra.EmbeddedS3;
import dev.codi.storage.ObjectStoreConfig.CredentialSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a deployment reaches the store: a public host for presigned URLs, keys from the environment, no bucket creation. */
class ObjectStoreDeploymentTest {

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startStore() {
        s3 = EmbeddedS3.start();
        try (ObjectStore store = new ObjectStore(config(s3.endpoint(), s3.accessKey(), s3.secretKey(), CredentialSource.STATIC, true))) {
            store.ensureBucket();
        }
    }

    @AfterAll
    static void stopStore() {
        s3.close();
    }

    @Test
    void presignedUrlsAreSignedForThePublicHostAndDownloadThere() throws Exception {
        // Given services that reach the store at 127.0.0.1 and clients that reach it as localhost
        URI publicEndpoint = URI.create("http://localhost:" + s3.endpoint().getPort());
        ObjectStoreConfig base = config(s3.endpoint(), s3.accessKey(), s3.secretKey(), CredentialSource.STATIC, true);
        ObjectStoreConfig config = new ObjectStoreConfig(base.endpoint(), base.accessKey(), base.secretKey(), base.bucket(),
                base.region(), base.connectTimeout(), base.ioTimeout(), publicEndpoint, base.credentials(), base.createBucket());
        byte[] content = "a purple cross moving down".getBytes(StandardCharsets.UTF_8);
        String key = ObjectKeys.artifact("job-public", "text.txt");

        try (ObjectStore store = new ObjectStore(config)) {
            store.put(key, content, "text/plain");

            // When an artifact URL is presigned
            URI url = store.presignedGet(key, Duration.ofMinutes(5));

            // Then it names the public host, and a client there downloads the object with it
            assertThat(url.getHost()).isEqualTo("localhost");
            assertThat(url.getPort()).isEqualTo(s3.endpoint().getPort());
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).GET()
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(content);
        }
    }

    @Test
    void keysComeFromTheEnvironment() {
        // Given the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the MinIO client reads system
        // properties of those names before the environment) and none in codi's configuration
        System.setProperty("AWS_ACCESS_KEY_ID", s3.accessKey());
        System.setProperty("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        try (ObjectStore store = new ObjectStore(config(s3.endpoint(), null, null, CredentialSource.ENV, true))) {
            String key = ObjectKeys.artifact("job-env", "text.txt");
            byte[] content = "a blue square moving up".getBytes(StandardCharsets.UTF_8);

            // When it writes and reads, then the store accepted the environment's keys
            store.put(key, content, "text/plain");
            assertThat(store.get(key)).isEqualTo(content);

            // And wrong keys there are refused, so the keys were really read from there
            System.setProperty("AWS_SECRET_ACCESS_KEY", "wrong-secret");
            try (ObjectStore wrong = new ObjectStore(config(s3.endpoint(), null, null, CredentialSource.ENV, true))) {
                assertThatThrownBy(() -> wrong.get(key)).isInstanceOf(ObjectStoreException.class);
            }
        } finally {
            System.clearProperty("AWS_ACCESS_KEY_ID");
            System.clearProperty("AWS_SECRET_ACCESS_KEY");
        }
    }

    @Test
    void withBucketCreationOffAMissingBucketIsNamedAndNotCreated() {
        ObjectStoreConfig base = config(s3.endpoint(), s3.accessKey(), s3.secretKey(), CredentialSource.STATIC, false);
        ObjectStoreConfig missing = new ObjectStoreConfig(base.endpoint(), base.accessKey(), base.secretKey(), "codi-absent",
                base.region(), base.connectTimeout(), base.ioTimeout(), null, base.credentials(), false);
        try (ObjectStore store = new ObjectStore(missing)) {
            assertThatThrownBy(store::ensureBucket).isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("codi-absent").hasMessageContaining(ObjectStoreConfig.CREATE_BUCKET_VARIABLE);
            // a second check fails the same way: the first did not create it
            assertThatThrownBy(store::ensureBucket).hasMessageContaining("does not exist");
        }
        try (ObjectStore existing = new ObjectStore(base)) {
            existing.ensureBucket(); // the default bucket exists: nothing to create, no error
        }
    }

    private static ObjectStoreConfig config(URI endpoint, String accessKey, String secretKey, CredentialSource credentials,
                                            boolean createBucket) {
        return new ObjectStoreConfig(endpoint, accessKey, secretKey, ObjectStoreConfig.DEFAULT_BUCKET,
                ObjectStoreConfig.DEFAULT_REGION, ObjectStoreConfig.DEFAULT_CONNECT_TIMEOUT, ObjectStoreConfig.DEFAULT_IO_TIMEOUT,
                null, credentials, createBucket);
    }
}
