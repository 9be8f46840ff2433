package dev.codi.gateway.uploads;

import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.gateway.RandomIds;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.jobs.StallWatch;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.infra.Infrastructure;
import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStore;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads expire with jobs, against a real broker and S3 server and a real gateway: an expired
 * upload answers 410 to its GET and to a job naming it, and the retention sweep deletes its
 * objects.
 */
class UploadRetentionTest {
    private static final String KEY = ApiKeys.newKey(new SecureRandom());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Long enough for an upload and a GET on a busy machine, short enough for a test. */
    private static final int RETENTION_SECONDS = 5;

    private static Infrastructure infrastructure;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        infrastructure = Infrastructure.startInProcess();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        infrastructure.close();
    }

    @Test
    void anExpiredUploadAnswers410ToItsGetAndToAJobAndItsObjectsAreDeleted() throws Exception {
        // Given a gateway that keeps jobs and uploads 5 s (and 1 s more for jobs that took one), sweeping every second
        Topics topics = Topics.withPrefix("upload-expiry.");
        TopicSetup.ensureTopics(new KafkaSettings(infrastructure.kafkaBootstrapServers()), topics, TopicSettings.singleBroker(2));
        JsonObject config = config(topics, "upload-expiry").put(GatewayConfig.JOB_RETENTION, RETENTION_SECONDS)
                .put(GatewayConfig.RETENTION_SWEEP, 1).put(StallWatch.TIMEOUT_VARIABLE, 1);
        GatewayVerticle gateway = new GatewayVerticle();
        String deployment = vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config))
                .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        try (ObjectStore store = store(config)) {
            int port = gateway.actualPort();
            // ... and an image uploaded, which is there
            HttpResponse<String> created = send(port, HttpRequest.newBuilder(uri(port, "/v1/uploads"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ImageCodec.encodePng(RgbImage.blank(8, 8)))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = new JsonObject(created.body()).getString("id");
            assertThat(send(port, HttpRequest.newBuilder(uri(port, "/v1/uploads/" + id))).statusCode()).isEqualTo(200);
            assertThat(store.list(ObjectKeys.upload(id))).containsExactlyInAnyOrder(ObjectKeys.upload(id), ObjectKeys.upload(id + "-meta"));

            // When its retention and the grace after it pass, then the sweep deleted its objects
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!store.list(ObjectKeys.upload(id)).isEmpty()) {
                assertThat(System.nanoTime()).as("the upload's objects deleted within " + WAIT.toSeconds() + " s").isLessThan(deadline);
                Thread.sleep(200);
            }

            // ... and the upload answers 410 as a problem, to its GET and to a job naming it
            HttpResponse<String> gone = send(port, HttpRequest.newBuilder(uri(port, "/v1/uploads/" + id)));
            assertThat(gone.statusCode()).isEqualTo(410);
            assertThat(gone.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonObject problem = new JsonObject(gone.body());
            assertThat(problem.getString("type")).endsWith("/problems/upload-expired");
            assertThat(problem.getString("detail")).contains(id, "expired " + RETENTION_SECONDS + " s", "upload the file again");

            JsonObject job = new JsonObject().put("inputs", new JsonObject().put("image", new JsonObject().put("upload", id)))
                    .put("outputs", new JsonArray().add("text"));
            HttpResponse<String> refused = send(port, HttpRequest.newBuilder(uri(port, "/v1/jobs"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job.encode())));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(410);
            JsonObject jobProblem = new JsonObject(refused.body());
            assertThat(jobProblem.getString("type")).endsWith("/problems/upload-expired");
            assertThat(jobProblem.getString("detail")).startsWith("inputs.image: upload " + id);
            assertThat(jobProblem.getString("field")).isEqualTo("inputs.image");

            // ... while an upload that never was is still a 404
            String never = RandomIds.timed(Uploads.ID_PREFIX, Instant.now(), new SplittableRandom(3));
            assertThat(send(port, HttpRequest.newBuilder(uri(port, "/v1/uploads/" + never))).statusCode()).isEqualTo(404);
        } finally {
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private static JsonObject config(Topics topics, String bucket) {
        return new JsonObject()
                .put(PipelineConfig.KAFKA_BOOTSTRAP, infrastructure.kafkaBootstrapServers())
                .put(PipelineConfig.TOPIC_PREFIX, topics.jobs().substring(0, topics.jobs().length() - "jobs".length()))
                .put(ObjectStoreConfig.ENDPOINT_VARIABLE, infrastructure.s3Endpoint().toString())
                .put(ObjectStoreConfig.ACCESS_KEY_VARIABLE, infrastructure.s3AccessKey())
                .put(ObjectStoreConfig.SECRET_KEY_VARIABLE, infrastructure.s3SecretKey())
                .put(ObjectStoreConfig.BUCKET_VARIABLE, bucket)
                .put(GatewayConfig.PORT, 0)
                .put(ApiKeys.KEY_HASHES_VARIABLE, ApiKeys.sha256Hex(KEY))
                .put(WebhookSecrets.SIGNING_KEY_VARIABLE, ApiKeys.newKey(new SecureRandom()));
    }

    private static ObjectStore store(JsonObject config) {
        Map<String, String> environment = new HashMap<>();
        config.forEach(entry -> environment.put(entry.getKey(), String.valueOf(entry.getValue())));
        return new ObjectStore(ObjectStoreConfig.fromEnvironment(environment));
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(int port, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
