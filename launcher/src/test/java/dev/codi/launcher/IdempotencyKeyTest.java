package dev.codi.launcher;

import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency-Key (IETF httpapi draft): replay, reuse with another body, in flight, scope per API key. */
class IdempotencyKeyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Attempts at catching one request in flight (on this box about half of them do). */
    private static final int MAX_IN_FLIGHT_ATTEMPTS = 8;

    @Test
    void aRetryReplaysTheFirstAnswerAndPublishesNothingNew() throws Exception {
        // Given a job created with a key
        String key = "\"" + UUID.randomUUID() + "\"";
        String body = SharedPipeline.textJob("a red circle moving left", List.of("text"), 2, 31).encode();
        HttpResponse<String> first = create(SharedPipeline.KEY, key, body);
        long jobsAfterFirst = SharedPipeline.endOffset(SharedPipeline.topics().jobs());

        // When the client retries with the same key and body
        HttpResponse<String> retry = create(SharedPipeline.KEY, key, body);

        // Then it gets the same job, marked as a replay, and no second job entered the pipeline
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retry.statusCode()).isIn(200, 202);
        assertThat(id(retry)).isEqualTo(id(first));
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(SharedPipeline.endOffset(SharedPipeline.topics().jobs())).isEqualTo(jobsAfterFirst);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndAnotherApiKeyHasItsOwnKeys() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = create(SharedPipeline.KEY, key, SharedPipeline.textJob("a red square", List.of("text"), 2, 1).encode());
        String otherBody = SharedPipeline.textJob("a blue square", List.of("text"), 2, 1).encode();

        HttpResponse<String> reused = create(SharedPipeline.KEY, key, otherBody);
        HttpResponse<String> otherApiKey = create(SharedPipeline.OTHER_KEY, key, otherBody);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(reused.body()).getString("detail")).contains(key).contains("different body");
        assertThat(otherApiKey.statusCode()).isEqualTo(202);
        assertThat(id(otherApiKey)).isNotEqualTo(id(first));
    }

    @Test
    void theSameKeyWhileTheFirstRequestIsInFlightIs409() throws Exception {
        // Given two identical requests with one key, the second sent while the first is uploading
        // (a large image, slow to decode and store). Which reaches the key first is up to the
        // network; an attempt where one finished before the other arrived (the other is then its
        // replay) shows no in-flight request, and the next attempt uses a new key.
        String body = largeImageJob();
        for (int attempt = 1; attempt <= MAX_IN_FLIGHT_ATTEMPTS; attempt++) {
            String key = UUID.randomUUID().toString();
            CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(post(SharedPipeline.KEY, key, body),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(40);

            // When the same request is sent again before the first answered
            HttpResponse<String> second = create(SharedPipeline.KEY, key, body);
            List<HttpResponse<String>> answers = List.of(first.get(), second);
            if (answers.stream().allMatch(answer -> answer.statusCode() == 202)) {
                assertThat(id(answers.get(0))).isEqualTo(id(answers.get(1)));
                assertThat(answers).anySatisfy(answer ->
                        assertThat(answer.headers().firstValue("Idempotent-Replayed")).hasValue("true"));
                continue;
            }

            // Then the one that came second is told to retry later, and a retry replays the accepted one
            HttpResponse<String> accepted = answers.stream().filter(answer -> answer.statusCode() == 202).findFirst()
                    .orElseThrow(() -> new AssertionError("neither request was accepted: " + answers.get(0).body()));
            HttpResponse<String> inFlight = answers.get(accepted == answers.get(0) ? 1 : 0);
            assertThat(inFlight.statusCode()).as(inFlight.body()).isEqualTo(409);
            assertThat(inFlight.headers().firstValue("Retry-After")).isPresent();
            assertThat(id(create(SharedPipeline.KEY, key, body))).isEqualTo(id(accepted));
            return;
        }
        throw new AssertionError("in " + MAX_IN_FLIGHT_ATTEMPTS + " attempts neither request ever arrived while the other was in flight");
    }

    @Test
    void aRestartedGatewayStillReplays() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = SharedPipeline.textJob("a yellow cross", List.of("text"), 2, 8).encode();
        String id = id(create(SharedPipeline.KEY, key, body));

        SharedPipeline.get().stopGateway();
        SharedPipeline.get().startGateway();

        HttpResponse<String> retry = create(SharedPipeline.KEY, key, body);
        assertThat(id(retry)).isEqualTo(id);
        assertThat(create(SharedPipeline.KEY, key, body.replace("yellow", "purple")).statusCode()).isEqualTo(422);
    }

    @Test
    void anUnusableKeyIs400() throws Exception {
        HttpResponse<String> response = create(SharedPipeline.KEY, "x".repeat(300),
                SharedPipeline.textJob("a red circle", List.of("text"), 2, 1).encode());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("detail")).contains("255");
    }

    private static String largeImageJob() throws Exception {
        Random random = new Random(5);
        RgbImage noise = RgbImage.blank(1800, 1800);
        for (int y = 0; y < 1800; y++) {
            for (int x = 0; x < 1800; x++) {
                noise.set(x, y, random.nextInt(256), random.nextInt(256), random.nextInt(256));
            }
        }
        return new JsonObject()
                .put("inputs", new JsonObject().put("image", new JsonObject()
                        .put("base64", Base64.getEncoder().encodeToString(ImageCodec.encodePng(noise)))))
                .put("outputs", new JsonArray().add("text"))
                .put("params", new JsonObject().put("steps", 2).put("seed", 1)).encode();
    }

    private static HttpRequest post(String apiKey, String idempotencyKey, String body) {
        return SharedPipeline.request("/v1/jobs").setHeader("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> create(String apiKey, String idempotencyKey, String body) throws Exception {
        return HTTP.send(post(apiKey, idempotencyKey, body), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(HttpResponse<String> response) {
        return new JsonObject(response.body()).getString("id");
    }
}
