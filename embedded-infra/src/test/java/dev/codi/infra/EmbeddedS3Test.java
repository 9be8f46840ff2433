package dev.codi.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3Test {

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startServer() {
        s3 = EmbeddedS3.start();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @Test
    void theMinioClientStoresAndReadsAnObjectWithItsUserMetadata() throws Exception {
        byte[] content = "a red circle moving left".getBytes(StandardCharsets.UTF_8);
        try (MinioClient client = client(s3, s3.accessKey(), s3.secretKey())) {
            client.makeBucket(MakeBucketArgs.builder().bucket("roundtrip").build());
            client.putObject(PutObjectArgs.builder().bucket("roundtrip").object("jobs/1/prompt.txt")
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .contentType("text/plain").userMetadata(Map.of("sha256", "abc123")).build());

            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("roundtrip").object("jobs/1/prompt.txt").build())) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            var stat = client.statObject(StatObjectArgs.builder().bucket("roundtrip").object("jobs/1/prompt.txt").build());
            assertThat(stat.size()).isEqualTo(content.length);
            assertThat(stat.contentType()).isEqualTo("text/plain");
            // The storage library keeps each object's sha256 as user metadata: it must survive.
            assertThat(stat.userMetadata().get("sha256")).isEqualTo("abc123");
        }
    }

    @Test
    void requestsSignedWithTheWrongSecretAreRejected() throws Exception {
        try (MinioClient intruder = client(s3, s3.accessKey(), "not-the-secret")) {
            assertThatThrownBy(() -> intruder.bucketExists(BucketExistsArgs.builder().bucket("roundtrip").build()))
                    .isInstanceOf(ErrorResponseException.class);
        }
    }

    @Test
    void aServerOnAGivenDirectoryKeepsObjectsAndCredentialsAcrossRestarts(@TempDir Path dataDirectory) throws Exception {
        byte[] content = {1, 2, 3};
        try (EmbeddedS3 first = EmbeddedS3.start(dataDirectory, "codi-access", "codi-secret-key");
             MinioClient client = client(first, "codi-access", "codi-secret-key")) {
            client.makeBucket(MakeBucketArgs.builder().bucket("durable").build());
            client.putObject(PutObjectArgs.builder().bucket("durable").object("kept.bin")
                    .stream(new ByteArrayInputStream(content), content.length, -1).build());
        }
        try (EmbeddedS3 restarted = EmbeddedS3.start(dataDirectory, "codi-access", "codi-secret-key");
             MinioClient client = client(restarted, "codi-access", "codi-secret-key");
             InputStream in = client.getObject(GetObjectArgs.builder().bucket("durable").object("kept.bin").build())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aTemporaryDataDirectoryIsDeletedOnClose() {
        EmbeddedS3 temporary = EmbeddedS3.start();
        temporary.close();
        assertThat(temporary.dataDirectory()).doesNotExist();
    }

    static MinioClient client(EmbeddedS3 server, String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(server.endpoint().toString())
                .credentials(accessKey, secretKey).region("us-east-1").build();
    }
}
