package dev.codi.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bombs sent end to end through POST /v1/jobs and POST /v1/uploads, alone and eight at once:
 * each is refused with a 4xx naming the limit, or decoded within budget; never a 5xx; the
 * gateway answers afterwards.
 */
class HostileInputTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** name → (modality, bytes, the limit a refusal must name, or null when it decodes within budget). */
    private static final Map<String, Bomb> BOMBS = Map.of(
            "gif 4096² screen, 600 one-pixel frames", new Bomb("video", Bombs.onePixelFrames(4096, 4096, 600), "media_pixels"),
            "gif 2048² screen, 100 one-pixel frames", new Bomb("video", Bombs.onePixelFrames(2048, 2048, 100), "media_pixels"),
            "png 4096² 16-bit RGBA of zeros", new Bomb("image", Bombs.zeroPng(4096, 4096, 16), null),
            "wav of 32 channels", new Bomb("audio", Bombs.wav(32, 8000), "audio_channels"),
            "wav at 768 kHz", new Bomb("audio", Bombs.wav(1, 768_000), "audio_sample_rate"));

    record Bomb(String modality, byte[] bytes, String limit) {
    }

    @Test
    void eachBombAloneIsRefusedNamingItsLimitOrDecodedWithinBudget() throws Exception {
        for (Map.Entry<String, Bomb> entry : BOMBS.entrySet()) {
            assertOutcome(entry.getKey() + " as a job", entry.getValue(), asJob(entry.getValue()).join(), 202);
            assertOutcome(entry.getKey() + " as an upload", entry.getValue(), asUpload(entry.getValue()).join(), 201);
        }
        assertGatewayAlive();
    }

    @Test
    void eightBombsAtOnceThroughBothRoutesGetNo5xx() throws Exception {
        List<Bomb> bombs = new ArrayList<>(BOMBS.values());
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        List<Bomb> which = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Bomb bomb = bombs.get(i % bombs.size());
            boolean upload = i % 2 == 1;
            sent.add(upload ? asUpload(bomb) : asJob(bomb));
            which.add(bomb);
            accepted.add(upload ? 201 : 202);
        }
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> response = sent.get(i).join();
            if (response.statusCode() == 503) {
                // Overload is allowed, as a problem with Retry-After: never a pile-up or a 500.
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                continue;
            }
            assertOutcome("bomb " + i, which.get(i), response, accepted.get(i));
        }
        assertGatewayAlive();
    }

    private static void assertOutcome(String what, Bomb bomb, HttpResponse<String> response, int acceptedStatus) {
        assertThat(response.statusCode()).as(what + ": " + response.body()).isLessThan(500);
        if (bomb.limit() == null) {
            assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(acceptedStatus);
            return;
        }
        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(422);
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getString("type")).as(what).isEqualTo("/problems/limit-exceeded");
        assertThat(problem.getString("limit")).as(what + ": " + problem.getString("detail")).isEqualTo(bomb.limit());
    }

    private static CompletableFuture<HttpResponse<String>> asJob(Bomb bomb) {
        JsonObject job = new JsonObject()
                .put("inputs", new JsonObject().put(bomb.modality(),
                        new JsonObject().put("base64", Base64.getEncoder().encodeToString(bomb.bytes()))))
                .put("outputs", new JsonArray().add("text"))
                .put("params", new JsonObject().put("steps", 2).put("seed", 1));
        return HTTP.sendAsync(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> asUpload(Bomb bomb) {
        return HTTP.sendAsync(SharedPipeline.request("/v1/uploads").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb.bytes())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertGatewayAlive() throws Exception {
        HttpResponse<String> health = HTTP.send(SharedPipeline.request("/health").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
