package dev.codi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectStoreConfigTest {

    private static final Map<String, String> COMPLETE = Map.of(
            "CODI_S3_ENDPOINT", "http://minio:9000",
            "CODI_S3_ACCESS_KEY", "access",
            "CODI_S3_SECRET_KEY", "s3cr3t-value");

    @Test
    void bucketAndRegionDefaultWhenUnset() {
        ObjectStoreConfig config = ObjectStoreConfig.fromEnvironment(COMPLETE);

        assertThat(config).isEqualTo(new ObjectStoreConfig(URI.create("http://minio:9000"), "access", "s3cr3t-value",
                "codi", "us-east-1"));
    }

    @Test
    void bucketAndRegionAreReadWhenSet() {
        Map<String, String> environment = new HashMap<>(COMPLETE);
        environment.put("CODI_S3_BUCKET", "codi-test");
        environment.put("CODI_S3_REGION", "eu-west-1");

        ObjectStoreConfig config = ObjectStoreConfig.fromEnvironment(environment);

        assertThat(config.bucket()).isEqualTo("codi-test");
        assertThat(config.region()).isEqualTo("eu-west-1");
    }

    @Test
    void aMissingVariableIsNamedInTheError() {
        for (String required : COMPLETE.keySet()) {
            Map<String, String> environment = new HashMap<>(COMPLETE);
            environment.remove(required);
            assertThatThrownBy(() -> ObjectStoreConfig.fromEnvironment(environment))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(required);
        }
    }

    @Test
    void invalidValuesAreRejected() {
        URI endpoint = URI.create("http://minio:9000");
        assertThatThrownBy(() -> new ObjectStoreConfig(URI.create("ftp://minio"), "a", "s", "codi", "us-east-1"))
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> new ObjectStoreConfig(endpoint, "a", "s", "Codi_Bucket", "us-east-1"))
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> new ObjectStoreConfig(endpoint, " ", "s", "codi", "us-east-1"))
                .hasMessageContaining("accessKey");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertThat(ObjectStoreConfig.fromEnvironment(COMPLETE).toString()).doesNotContain("s3cr3t-value").contains("access");
    }

    @Test
    void aPublicEndpointCredentialSourceAndBucketCreationAreRead() {
        Map<String, String> environment = new HashMap<>(Map.of("CODI_S3_ENDPOINT", "http://minio:9000"));
        environment.put("CODI_S3_PUBLIC_ENDPOINT", "https://files.example.com");
        environment.put("CODI_S3_CREDENTIALS", "iam");
        environment.put("CODI_S3_CREATE_BUCKET", "false");

        ObjectStoreConfig config = ObjectStoreConfig.fromEnvironment(environment);

        assertThat(config.publicEndpoint()).isEqualTo(URI.create("https://files.example.com"));
        assertThat(config.credentials()).isEqualTo(ObjectStoreConfig.CredentialSource.IAM);
        assertThat(config.accessKey()).isNull();
        assertThat(config.createBucket()).isFalse();
        assertThat(ObjectStoreConfig.fromEnvironment(COMPLETE).publicEndpoint()).isEqualTo(URI.create("http://minio:9000"));
    }

    @Test
    void anUnknownCredentialSourceOrBadPublicEndpointIsRefused() {
        Map<String, String> environment = new HashMap<>(COMPLETE);
        environment.put("CODI_S3_CREDENTIALS", "vault");
        assertThatThrownBy(() -> ObjectStoreConfig.fromEnvironment(environment))
                .hasMessageContaining("CODI_S3_CREDENTIALS").hasMessageContaining("aws-config");

        environment.put("CODI_S3_CREDENTIALS", "static");
        environment.put("CODI_S3_PUBLIC_ENDPOINT", "files.example.com");
        assertThatThrownBy(() -> ObjectStoreConfig.fromEnvironment(environment)).hasMessageContaining("public endpoint");
    }
}
