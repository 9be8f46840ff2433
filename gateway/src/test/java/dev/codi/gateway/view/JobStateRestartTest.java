package dev.codi.gateway.view;

import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.gateway.RandomIds;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.infra.Infrastructure;
import dev.codi.media.Modality;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.Stage;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.Artifact;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStore;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded job state against a real broker and S3 server, with a real gateway: it comes back from
 * the compacted job-state topic (the job-events topic emptied under it), holds no more finished
 * jobs than its cache allows while answering for every one, and forgets expired jobs: 410, objects
 * gone. The test plays the stages: it writes their events on job-events.
 */
class JobStateRestartTest {
    private static final String KEY = ApiKeys.newKey(new SecureRandom());
    private static final String OWNER = ApiKeys.ownerOfKey(KEY);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Infrastructure infrastructure;
    private static Vertx vertx;
    private static KafkaProducer<String, Buffer> stages;
    private final SplittableRandom random = new SplittableRandom(23);

    @BeforeAll
    static void start() {
        infrastructure = Infrastructure.startInProcess();
        vertx = Vertx.vertx();
        stages = new KafkaProducer<>(new HashMap<String, Object>(kafka().producer("test-stages")));
    }

    @AfterAll
    static void stop() throws Exception {
        stages.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        infrastructure.close();
    }

    @Test
    void aRestartedGatewayAnswersFromSnapshotsWithTheEventLogEmptiedAndHoldsAtMostItsCache() throws Exception {
        // Given a gateway holding at most 2 finished jobs, and 6 jobs that finished with an artifact
        // each, one of them created 3 days ago (a restart lists it from its record's headers only)
        Topics topics = topics("state-restart.");
        JsonObject config = config(topics, "state-restart").put(GatewayConfig.JOB_CACHE_SIZE, 2);
        Gateway first = Gateway.start(config);
        List<String> ids = new ArrayList<>();
        ids.add(runJob(topics, config, Instant.now().minus(Duration.ofDays(3))));
        for (int i = 0; i < 5; i++) {
            ids.add(runJob(topics, config, Instant.now()));
        }
        for (String id : ids) {
            await("job " + id + " succeeded on the first gateway", () -> "succeeded".equals(status(first, id)));
        }
        assertThat(first.health().getInteger("jobs")).isEqualTo(6);
        assertThat(first.health().getInteger("jobs_in_memory")).isLessThanOrEqualTo(2);
        first.stop();

        // When job-events loses every record (retention) and a new gateway starts
        emptyJobEvents(topics);
        Gateway second = Gateway.start(config);
        try {
            // Then it knows every job from the snapshots, answers for each (reading the old ones back
            // from the object store), and still holds at most 2
            assertThat(second.health().getInteger("jobs")).isEqualTo(6);
            for (String id : ids) {
                JsonObject job = new JsonObject(second.get("/v1/jobs/" + id).body());
                assertThat(job.getString("status")).as(id).isEqualTo("succeeded");
                assertThat(job.getJsonArray("artifacts")).as(id + "'s artifact").hasSize(1);
            }
            assertThat(second.health().getInteger("jobs_in_memory")).isLessThanOrEqualTo(2);
            assertThat(second.get("/v1/jobs?limit=10").body()).contains(ids.get(0), ids.get(5));
        } finally {
            second.stop();
        }
    }

    @Test
    void anExpiredJobAnswers410AndItsObjectsAreGone() throws Exception {
        // Given a gateway that keeps jobs 2 s and sweeps every second, and a job that finished with an artifact
        Topics topics = topics("state-expiry.");
        JsonObject config = config(topics, "state-expiry").put(GatewayConfig.JOB_RETENTION, 2).put(GatewayConfig.RETENTION_SWEEP, 1);
        Gateway gateway = Gateway.start(config);
        try (ObjectStore store = store(config)) {
            String id = runJob(topics, config, Instant.now());
            await("the job succeeded", () -> "succeeded".equals(status(gateway, id)));
            assertThat(store.list(ObjectKeys.jobPrefix(id))).contains(ObjectKeys.artifact(id, "image.png"), ObjectKeys.jobState(id));

            // When its retention passes, then it answers 410 as a problem, its objects are deleted,
            // and the tombstone made the gateway forget it
            await("the job expired and was swept", () -> store.list(ObjectKeys.jobPrefix(id)).isEmpty()
                    && gateway.health().getInteger("jobs") == 0);
            HttpResponse<String> gone = gateway.get("/v1/jobs/" + id);
            assertThat(gone.statusCode()).isEqualTo(410);
            assertThat(gone.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new JsonObject(gone.body()).getString("type")).endsWith("/problems/job-expired");
            assertThat(gateway.get("/v1/jobs/" + RandomIds.timed(JobSubmitter.JOB_ID_PREFIX, Instant.now(), random)).statusCode())
                    .as("a job that never was").isEqualTo(404);
        } finally {
            gateway.stop();
        }
    }

    /** Plays the stages for one job: queued, started, an artifact stored, succeeded. */
    private String runJob(Topics topics, JsonObject config, Instant createdAt) throws Exception {
        String id = RandomIds.timed(JobSubmitter.JOB_ID_PREFIX, createdAt, random);
        JobSpec spec = new JobSpec(id, OWNER, createdAt, Map.of(Modality.TEXT, new InputRef.InlineText("a red circle")),
                Map.of(), List.of(Modality.IMAGE), new JobParams(3, 7.5, 0, 1, true));
        String artifactKey = ObjectKeys.artifact(id, "image.png");
        try (ObjectStore store = store(config)) {
            store.put(artifactKey, new byte[] {1, 2, 3}, "image/png");
        }
        for (JobEvent event : List.of(new JobEvent.Queued(spec), new JobEvent.Started(id, Stage.ENCODER),
                new JobEvent.Succeeded(id, Stage.DECODER, List.of(new Artifact(Modality.IMAGE, artifactKey, "image/png", 3, "ab".repeat(32))),
                        null, createdAt, Instant.now()))) {
            stages.send(CloudEventRecords.toRecord(topics.jobEvents(), event.toCloudEvent(Instant.now())).record()).get(30, TimeUnit.SECONDS);
        }
        return id;
    }

    private static void emptyJobEvents(Topics topics) throws Exception {
        try (Admin admin = Admin.create(kafka().admin())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topics.jobEvents(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, end) -> delete.put(partition, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Topics topics(String prefix) {
        Topics topics = Topics.withPrefix(prefix);
        TopicSetup.ensureTopics(kafka(), topics, TopicSettings.singleBroker(2));
        return topics;
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

    private static KafkaSettings kafka() {
        return new KafkaSettings(infrastructure.kafkaBootstrapServers());
    }

    private static String status(Gateway gateway, String id) {
        HttpResponse<String> answer = gateway.get("/v1/jobs/" + id);
        return answer.statusCode() == 200 ? new JsonObject(answer.body()).getString("status") : null;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + WAIT.toSeconds() + " s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** One gateway deployed on the test's Vert.x. */
    private record Gateway(String deployment, int port) {
        static Gateway start(JsonObject config) throws Exception {
            GatewayVerticle verticle = new GatewayVerticle();
            String deployment = vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config.copy()))
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            return new Gateway(deployment, verticle.actualPort());
        }

        void stop() throws Exception {
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }

        HttpResponse<String> get(String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        JsonObject health() {
            return new JsonObject(get("/health").body());
        }
    }
}
