package dev.codi.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client as a careful user writes one: every create carries an Idempotency-Key and is retried
 * with it (after a 503's Retry-After, a 409 in flight, or a connection the gateway dropped) until
 * it is answered. It records every status it saw, so a scenario can assert that the only errors
 * were 503s with Retry-After while the infrastructure was down.
 */
final class FaultClient {
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger serverErrorsWithoutRetryAfter = new AtomicInteger();
    final AtomicInteger connectionFailures = new AtomicInteger();

    FaultClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Submits {@code job} until the gateway accepts it; returns the job id. */
    String submit(JsonObject job) throws InterruptedException {
        String key = "\"" + UUID.randomUUID() + "\"";
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway did not accept a job within " + GIVE_UP.toSeconds() + " s");
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + FaultCluster.API_KEY)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(job.encode())).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 202 || status == 200) {
                    return new JsonObject(response.body()).getString("id");
                }
                if (status >= 500 && (status != 503 || response.headers().firstValue("Retry-After").isEmpty())) {
                    serverErrorsWithoutRetryAfter.incrementAndGet();
                }
                if (status != 503 && status != 409 && status != 429) {
                    throw new AssertionError("create answered " + status + ": " + response.body());
                }
                Thread.sleep(500);
            } catch (IOException e) {
                connectionFailures.incrementAndGet();
                Thread.sleep(500);
            }
        }
    }

    /** The job resource, or null while the gateway does not answer. */
    JsonObject job(String id) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs/" + id))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + FaultCluster.API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500 && response.statusCode() != 503) {
                serverErrorsWithoutRetryAfter.incrementAndGet();
            }
            return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The job once it is succeeded, failed or canceled; an assertion error if it is not within {@code bound}. */
    JsonObject awaitTerminal(String id, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            JsonObject job = job(id);
            if (job != null && java.util.Set.of("succeeded", "failed", "canceled").contains(job.getString("status"))) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " not terminal within " + bound);
            }
            Thread.sleep(250);
        }
    }

    byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return response.body();
    }

    static JsonObject textJob(String text, JsonArray outputs, int steps, long seed, String webhookUrl) {
        JsonObject job = new JsonObject().put("inputs", new JsonObject().put("text", text)).put("outputs", outputs)
                .put("params", new JsonObject().put("steps", steps).put("seed", seed));
        if (webhookUrl != null) {
            job.put("webhook", new JsonObject().put("url", webhookUrl)
                    .put("events", new JsonArray().add("job.succeeded").add("job.failed")));
        }
        return job;
    }
}
