package dev.codi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codi.infra.EmbeddedS3;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {

    private static EmbeddedS3 s3;
    private static ObjectStore store;

    @BeforeAll
    static void startStore() {
        s3 = EmbeddedS3.start();
        store = new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(),
                ObjectStoreConfig.DEFAULT_BUCKET, ObjectStoreConfig.DEFAULT_REGION));
        store.ensureBucket();
    }

    @AfterAll
    static void stopStore() {
        store.close();
        s3.close();
    }

    @Test
    void putThenGetAndStatReturnTheContentItsSizeTypeAndSha256() throws Exception {
        byte[] prompt = "a red circle moving left".getBytes(StandardCharsets.UTF_8);
        String key = ObjectKeys.input("job-put", "text", "txt");

        StoredObject stored = store.put(key, prompt, "text/plain");

        StoredObject expected = new StoredObject(key, "text/plain", prompt.length, independentSha256(prompt));
        assertThat(stored).isEqualTo(expected);
        assertThat(store.get(key)).isEqualTo(prompt);
        assertThat(store.stat(key)).contains(expected);
        assertThat(store.exists(key)).isTrue();
    }

    @Test
    void aMissingObjectHasNoStatAndItsGetNamesTheKey() {
        String key = ObjectKeys.artifact("job-missing", "image.png");

        assertThat(store.stat(key)).isEmpty();
        assertThat(store.exists(key)).isFalse();
        assertThatThrownBy(() -> store.get(key))
                .isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("get");
    }

    @Test
    void aStreamedPutLargerThanOnePartIsStoredWholeInMultipartChunks() {
        byte[] sevenMebibytes = randomBytes(7 * 1024 * 1024);
        String key = ObjectKeys.modelFile("codi-tiny", "1.0.0", "image/unet.params");

        StoredObject stored = store.put(key, new ByteArrayInputStream(sevenMebibytes), sevenMebibytes.length,
                "application/octet-stream");

        assertThat(stored.bytes()).isEqualTo(sevenMebibytes.length);
        assertThat(stored.sha256Hex()).isEqualTo(independentSha256(sevenMebibytes));
        assertThat(store.get(key)).isEqualTo(sevenMebibytes);
        assertThat(store.stat(key)).contains(stored);
    }

    @Test
    void aStreamedPutOverTheCapIsRefusedAndStoresNothing() {
        String key = ObjectKeys.upload("upload-too-big");
        byte[] oneByteTooMany = randomBytes(1025);

        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(oneByteTooMany), 1024, "image/png"))
                .isInstanceOf(ObjectTooLargeException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("1024");
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void aStreamedPutOverTheCapPastTheMemoryLimitAlsoStoresNothing() {
        String key = ObjectKeys.upload("upload-spooled-too-big");
        long cap = SpooledContent.MEMORY_LIMIT_BYTES + 1024;
        // Endless zeros: the store must stop reading at the cap rather than trust the stream to end.
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };

        assertThatThrownBy(() -> store.put(key, endless, cap, "application/octet-stream"))
                .isInstanceOf(ObjectTooLargeException.class);
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void aStreamExactlyAtTheCapIsAccepted() {
        String key = ObjectKeys.upload("upload-at-cap");
        byte[] content = randomBytes(1024);

        assertThat(store.put(key, new ByteArrayInputStream(content), content.length, "image/png").bytes()).isEqualTo(1024);
    }

    @Test
    void aPresignedGetDownloadsTheBytesThenExpires() throws Exception {
        byte[] png = randomBytes(2048);
        String key = ObjectKeys.artifact("job-presign", "image.png");
        store.put(key, png, "image/png");
        Duration expiry = Duration.ofSeconds(2);
        HttpClient http = HttpClient.newHttpClient();

        URI url = store.presignedGet(key, expiry);
        HttpResponse<byte[]> fresh = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.body()).isEqualTo(png);
        assertThat(fresh.headers().firstValue("Content-Type")).contains("image/png");

        // SigV4 expiry has one-second resolution: wait a full second past it.
        Thread.sleep(expiry.plusSeconds(1).toMillis());
        HttpResponse<String> stale = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(403);
    }

    @Test
    void presignedExpiryOutsideSigV4BoundsIsRejected() {
        String key = ObjectKeys.artifact("job-presign", "image.png");
        assertThatThrownBy(() -> store.presignedGet(key, Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.presignedGet(key, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listReturnsEveryKeyUnderAPrefixAndDeleteRemovesOne() {
        String image = ObjectKeys.artifact("job-list", "image.png");
        String audio = ObjectKeys.artifact("job-list", "audio.wav");
        String latents = ObjectKeys.latents("job-list", "image");
        store.put(image, new byte[] {1}, "image/png");
        store.put(audio, new byte[] {2}, "audio/wav");
        store.put(latents, new byte[] {3}, "application/octet-stream");
        store.put(ObjectKeys.artifact("job-list-other", "image.png"), new byte[] {4}, "image/png");

        assertThat(store.list(ObjectKeys.jobPrefix("job-list"))).containsExactlyInAnyOrder(image, audio, latents);

        store.delete(audio);
        store.delete(audio); // deleting twice is not an error
        assertThat(store.list(ObjectKeys.jobPrefix("job-list"))).containsExactlyInAnyOrder(image, latents);
    }

    @Test
    void unsafeKeysNeverReachTheServer() {
        assertThatThrownBy(() -> store.put("../x", new byte[] {1}, "text/plain"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../x");
        assertThatThrownBy(() -> store.get("jobs/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.stat("/absolute")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anObjectWithoutStoredHashGetsItComputedOnStat() throws Exception {
        // Written behind the library's back, as a client's presigned PUT would be.
        byte[] content = "uploaded directly".getBytes(StandardCharsets.UTF_8);
        String key = ObjectKeys.upload("direct-upload");
        try (MinioClient raw = MinioClient.builder().endpoint(s3.endpoint().toString())
                .credentials(s3.accessKey(), s3.secretKey()).build()) {
            raw.putObject(PutObjectArgs.builder().bucket(ObjectStoreConfig.DEFAULT_BUCKET).object(key)
                    .stream(new ByteArrayInputStream(content), content.length, -1).contentType("text/plain").build());
        }

        assertThat(store.stat(key)).map(StoredObject::sha256Hex).contains(independentSha256(content));
    }

    @Test
    void wrongCredentialsFailWithAnErrorNamingTheOperation() {
        var wrong = new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), "wrong-secret", "codi", "us-east-1");
        try (ObjectStore intruder = new ObjectStore(wrong)) {
            assertThatThrownBy(() -> intruder.get("jobs/x/artifacts/image.png"))
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectNotFoundException.class)
                    .hasMessageStartingWith("get 'jobs/x/artifacts/image.png' failed");
        }
    }

    @Test
    void ensureBucketIsIdempotent() {
        store.ensureBucket();
        store.ensureBucket();
        assertThat(store.list("")).isNotNull();
    }

    /** The form of a charset parameter that survives V4 signing through S3Proxy (see MediaType.TEXT). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"text/plain;charset=UTF-8", "text/plain", "image/png"})
    void contentTypesAreStoredAsGiven(String contentType) {
        StoredObject stored = store.put("content-types/" + Math.abs(contentType.hashCode()), "hi".getBytes(), contentType);

        assertThat(store.stat(stored.key())).get().extracting(StoredObject::contentType, org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .isEqualToIgnoringCase(contentType);
    }

    private static String independentSha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
