package dev.codi.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks, Standard Webhooks v1, against the real broker: signatures a reference receiver
 * accepts, retries through Kafka with a stable webhook-id, 410, dead letters and replay, a
 * gateway restart mid-schedule, secret rotation, and SSRF refusals (validated, never sent).
 */
class WebhookTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Path VERIFIER = Path.of("src/test/node/verify.js");

    @Test
    void deliveriesAreSignedSoTheStandardWebhooksReferenceLibraryAcceptsThem() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 204)) {
            // Given a job whose webhook wants its start, its progress and its end
            String id = submit(receiver.url(), List.of("job.started", "job.progress", "job.succeeded"), 30);

            // When it finishes
            List<WebhookReceiver.Received> got = receiver.await(all -> types(all).contains("job.succeeded"), DELIVERY_TIMEOUT);

            // Then every delivery verifies with the npm standardwebhooks library and the key's secret
            String secret = secret(SharedPipeline.KEY).getString("secret");
            assertThat(secret).startsWith("whsec_");
            JsonArray verdicts = verify(secret, got);
            assertThat(verdicts).allSatisfy(v -> assertThat(((JsonObject) v).getBoolean("ok")).as(v.toString()).isTrue());
            assertThat(types(got)).startsWith("job.started").endsWith("job.succeeded").contains("job.progress");
            // and tampering is caught by the same library
            WebhookReceiver.Received last = got.get(got.size() - 1);
            assertThat(((JsonObject) verify(secret, List.of(new WebhookReceiver.Received(last.headers(),
                    last.body().replace("succeeded", "failed"), 204))).getValue(0)).getBoolean("ok")).isFalse();
            // the payload is {type, timestamp, data: job}, artifacts by URL only
            JsonObject payload = last.json();
            assertThat(payload.fieldNames()).containsExactlyInAnyOrder("type", "timestamp", "data");
            assertThat(payload.getJsonObject("data").getString("id")).isEqualTo(id);
            assertThat(payload.getJsonObject("data").getJsonArray("artifacts").getJsonObject(0).getString("url")).startsWith("http");
            assertThat(last.body()).doesNotContain("base64");
            // at most two progress deliveries per second
            List<Instant> progress = got.stream().filter(r -> r.json().getString("type").equals("job.progress"))
                    .map(r -> Instant.parse(r.json().getString("timestamp"))).toList();
            for (int i = 1; i < progress.size(); i++) {
                assertThat(Duration.between(progress.get(i - 1), progress.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            }
        }
    }

    @Test
    void aReceiverDownForAWhileGetsExactlyOneSuccessfulDeliveryUnderOneWebhookId() throws Exception {
        // Given a receiver that is down (503, then 500) for the first two attempts
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n == 0 ? 503 : n == 1 ? 500 : 200)) {
            String id = submit(receiver.url(), null, 2);

            // When it comes back up
            List<WebhookReceiver.Received> got = receiver.await(all -> all.stream().anyMatch(r -> r.answered() == 200), DELIVERY_TIMEOUT);
            Thread.sleep(1500); // any stray attempt would arrive in this time

            // Then exactly one delivery succeeded, and all attempts carried the same webhook-id and body
            got = receiver.received();
            assertThat(got).hasSize(3);
            assertThat(got.stream().filter(r -> r.answered() == 200)).hasSize(1);
            assertThat(got.stream().map(WebhookReceiver.Received::webhookId).distinct()).hasSize(1);
            assertThat(got.stream().map(WebhookReceiver.Received::body).distinct()).hasSize(1);
            assertThat(job(id).getJsonObject("webhook").getJsonArray("failed_deliveries")).isEmpty();
        }
    }

    @Test
    void aRestartOfTheGatewayInTheMiddleOfTheScheduleLosesNothing() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 503)) {
            // Given a first attempt that failed, its retry scheduled 3 s later
            submit(receiver.url(), null, 2);
            receiver.await(all -> !all.isEmpty(), DELIVERY_TIMEOUT);

            // When the gateway is stopped before the retry is due and started again, and the receiver recovers
            SharedPipeline.get().stopGateway();
            receiver.answer(n -> 200);
            SharedPipeline.get().startGateway();

            // Then the retry is delivered with the first attempt's webhook-id
            List<WebhookReceiver.Received> got = receiver.await(all -> all.stream().anyMatch(r -> r.answered() == 200), DELIVERY_TIMEOUT);
            assertThat(got.stream().map(WebhookReceiver.Received::webhookId).distinct()).hasSize(1);
            assertThat(got.stream().filter(r -> r.answered() == 200)).hasSize(1);
        }
    }

    @Test
    void twoRecordsOfOneWebhookDueAtOnceAreSentOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 200)) {
            // Given a delivery record as the gateway writes it
            String id = submit(receiver.url(), null, 2);
            receiver.await(all -> !all.isEmpty(), DELIVERY_TIMEOUT);
            ConsumerRecord<String, byte[]> written = SharedPipeline.readRecords(SharedPipeline.topics().webhookDeliveries()).stream()
                    .filter(record -> new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getString("job_id").equals(id))
                    .findFirst().orElseThrow();

            // When the same webhook comes twice in one batch (a record redone after a gateway stopped mid-settlement
            // meets its retry, both due), followed by another webhook on the same partition
            String twice = "msg_twice" + System.nanoTime();
            String after = "msg_after" + System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    SharedPipeline.get().infrastructure().kafkaBootstrapServers(), "linger.ms", 200), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (String webhookId : List.of(twice, twice, after)) {
                    JsonObject message = new JsonObject(new String(written.value(), StandardCharsets.UTF_8)).put("webhook_id", webhookId);
                    ProducerRecord<String, byte[]> copy = new ProducerRecord<>(written.topic(), written.partition(), written.key(),
                            message.encode().getBytes(StandardCharsets.UTF_8), written.headers());
                    producer.send(copy);
                }
                producer.flush();
            }

            // Then it is sent once: the second record waits for the first attempt and finds it delivered
            List<WebhookReceiver.Received> got = receiver.await(all -> all.stream().anyMatch(r -> after.equals(r.webhookId())), DELIVERY_TIMEOUT);
            assertThat(got.stream().filter(r -> twice.equals(r.webhookId()))).hasSize(1);
        }
    }

    @Test
    void aReceiverAnswering410DisablesTheEndpointForThatKey() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 410)) {
            String id = submit(receiver.url(), null, 2);
            receiver.await(all -> !all.isEmpty(), DELIVERY_TIMEOUT);
            awaitJob(id, job -> job.getJsonObject("webhook").getBoolean("disabled"));
            Thread.sleep(4000); // longer than the first retry delay: no retry may come

            assertThat(receiver.received()).hasSize(1);
            HttpResponse<String> again = post("/v1/jobs", SharedPipeline.KEY, jobWith(receiver.url(), null, 2).encode());
            assertThat(again.statusCode()).isEqualTo(422);
            assertThat(new JsonObject(again.body()).getString("detail")).contains("410");
            assertThat(post("/v1/jobs", SharedPipeline.OTHER_KEY, jobWith(receiver.url(), null, 2).encode()).statusCode())
                    .as("another key's endpoints are its own").isEqualTo(202);
        }
    }

    @Test
    void afterTheLastAttemptTheDeliveryIsDeadLetteredShownInTheJobAndCanBeReplayed() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 500)) {
            // Given a receiver failing every attempt of the schedule
            String id = submit(receiver.url(), null, 2);
            JsonObject job = awaitJob(id, j -> !j.getJsonObject("webhook").getJsonArray("failed_deliveries").isEmpty());

            // Then the job shows the dead delivery and the dead-letter topic holds it
            JsonObject dead = job.getJsonObject("webhook").getJsonArray("failed_deliveries").getJsonObject(0);
            assertThat(dead.getInteger("attempts")).isEqualTo(SharedPipeline.WEBHOOK_ATTEMPTS);
            assertThat(dead.getString("last_error")).contains("500");
            assertThat(receiver.received()).hasSize(SharedPipeline.WEBHOOK_ATTEMPTS);
            assertThat(SharedPipeline.readAll(SharedPipeline.topics().webhookDeadLetter()).stream()
                    .filter(e -> e.jobId().equals(id))).isNotEmpty();

            // When the receiver is fixed and the delivery replayed
            receiver.answer(n -> 200);
            HttpResponse<String> replay = post("/v1/jobs/" + id + "/webhook-deliveries/" + dead.getString("webhook_id") + "/replay",
                    SharedPipeline.KEY, "");

            // Then it arrives, under the same webhook-id
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            List<WebhookReceiver.Received> got = receiver.await(all -> all.stream().anyMatch(r -> r.answered() == 200), DELIVERY_TIMEOUT);
            assertThat(got.get(got.size() - 1).webhookId()).isEqualTo(dead.getString("webhook_id"));
            assertThat(job(id).getJsonObject("webhook").getJsonArray("failed_deliveries").getJsonObject(0).getString("replayed_at")).isNotNull();
            assertThat(post("/v1/jobs/" + id + "/webhook-deliveries/msg_nosuch/replay", SharedPipeline.KEY, "").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aRotatedSecretSignsAlongsideThePreviousOneDuringTheGracePeriod() throws Exception {
        String before = secret(SharedPipeline.OTHER_KEY).getString("secret");
        HttpResponse<String> rotated = post("/v1/webhooks/secret/rotate", SharedPipeline.OTHER_KEY, "");
        JsonObject now = new JsonObject(rotated.body());
        assertThat(now.getString("secret")).startsWith("whsec_").isNotEqualTo(before);
        assertThat(now.getJsonObject("previous").getString("secret")).isEqualTo(before);
        assertThat(secret(SharedPipeline.KEY).getString("secret")).as("keys have their own secrets").isNotEqualTo(before);

        try (WebhookReceiver receiver = new WebhookReceiver(n -> 200)) {
            HttpResponse<String> created = post("/v1/jobs", SharedPipeline.OTHER_KEY, jobWith(receiver.url(), null, 2).encode());
            assertThat(created.statusCode()).isEqualTo(202);
            List<WebhookReceiver.Received> got = receiver.await(all -> !all.isEmpty(), DELIVERY_TIMEOUT);

            assertThat(got.get(0).headers().get("webhook-signature").split(" ")).hasSize(2);
            assertThat(verify(now.getString("secret"), got).getJsonObject(0).getBoolean("ok")).isTrue();
            assertThat(verify(before, got).getJsonObject(0).getBoolean("ok")).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/hook", "http://192.168.1.20/hook",
            "http://172.16.5.4/hook", "http://100.64.0.1/hook", "http://[fd00:ec2::254]/", "http://[fe80::1]/hook",
            "http://0.0.0.0/hook", "http://metadata.google.internal/computeMetadata/v1/", "ftp://127.0.0.1/hook",
            "http://user:pass@127.0.0.1/hook", "http://[::ffff:169.254.169.254]/"})
    void webhookUrlsIntoPrivateLinkLocalOrMetadataSpaceAreRefusedAtSubmission(String url) throws Exception {
        long jobsBefore = SharedPipeline.endOffset(SharedPipeline.topics().jobs());

        HttpResponse<String> response = post("/v1/jobs", SharedPipeline.KEY, jobWith(url, null, 2).encode());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(new JsonObject(response.body()).getString("detail")).contains("webhook.url");
        assertThat(SharedPipeline.endOffset(SharedPipeline.topics().jobs())).isEqualTo(jobsBefore);
    }

    private static List<String> types(List<WebhookReceiver.Received> received) {
        return received.stream().map(r -> r.json().getString("type")).toList();
    }

    private static JsonArray verify(String secret, List<WebhookReceiver.Received> deliveries) throws Exception {
        assertThat(VERIFIER.resolveSibling("node_modules/standardwebhooks")).as("run 'npm ci' in src/test/node first (.ci/run does)").exists();
        JsonArray list = new JsonArray();
        deliveries.forEach(d -> list.add(new JsonObject().put("headers", new JsonObject()
                .put("webhook-id", d.headers().get("webhook-id"))
                .put("webhook-timestamp", d.headers().get("webhook-timestamp"))
                .put("webhook-signature", d.headers().get("webhook-signature"))).put("body", d.body())));
        Path input = Files.createTempFile("webhooks", ".json");
        try {
            Files.writeString(input, new JsonObject().put("secret", secret).put("deliveries", list).encode());
            Process node = new ProcessBuilder("node", VERIFIER.toString(), input.toString()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            return new JsonArray(output);
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static JsonObject jobWith(String url, List<String> events, int steps) {
        JsonObject webhook = new JsonObject().put("url", url);
        if (events != null) {
            webhook.put("events", new JsonArray(events));
        }
        return SharedPipeline.textJob("a green circle moving up", List.of("image"), steps, 77).put("webhook", webhook);
    }

    private static String submit(String url, List<String> events, int steps) throws Exception {
        HttpResponse<String> response = post("/v1/jobs", SharedPipeline.KEY, jobWith(url, events, steps).encode());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return new JsonObject(response.body()).getString("id");
    }

    private static JsonObject secret(String apiKey) throws Exception {
        HttpResponse<String> response = HTTP.send(SharedPipeline.request("/v1/webhooks/secret")
                .setHeader("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static JsonObject job(String id) throws Exception {
        return SharedPipeline.client().job(id);
    }

    private static JsonObject awaitJob(String id, java.util.function.Predicate<JsonObject> condition) throws Exception {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (true) {
            JsonObject job = job(id);
            if (condition.test(job)) {
                return job;
            }
            assertThat(System.nanoTime()).as(job.encodePrettily()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(String path, String apiKey, String body) throws Exception {
        return HTTP.send(SharedPipeline.request(path).setHeader("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
