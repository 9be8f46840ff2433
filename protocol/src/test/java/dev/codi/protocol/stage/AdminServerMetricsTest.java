package dev.codi.protocol.stage;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** A stage's admin port serves its meters: jobs counted by {@link StageMetrics} show up on /metrics. */
class AdminServerMetricsTest {
    @Test
    void theAdminPortServesTheStagesJobCountersByOutcome() throws Exception {
        StageMetrics metrics = new StageMetrics("admin-test-stage");
        CloudEvent ok = event("job-ok");
        CloudEvent bad = event("job-bad");
        metrics.batchProcessed(List.of(ok, bad), 1_000_000, List.of(new Outbound("job-events",
                new CloudEvent("job-bad/failed", "/test", EventTypes.JOB_FAILED, "job-bad", java.time.Instant.now(), new JsonObject()))),
                Set.of());
        Vertx vertx = Vertx.vertx();
        try {
            int port = AdminServer.start(vertx, "127.0.0.1", 0, new StageHealth()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).actualPort();
            // The JDK's client asks for a cleartext HTTP/2 upgrade; the admin port answers in HTTP/1.1
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(java.time.Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body())
                    .contains("codi_stage_jobs_total{outcome=\"succeeded\",stage=\"admin-test-stage\"} 1.0")
                    .contains("codi_stage_jobs_total{outcome=\"failed\",stage=\"admin-test-stage\"} 1.0")
                    .contains("codi_stage_batch_size_count{stage=\"admin-test-stage\"} 1")
                    .contains("jvm_memory_used_bytes");
        } finally {
            metrics.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static CloudEvent event(String jobId) {
        return new CloudEvent(jobId + "/submitted", "/test", EventTypes.JOB_SUBMITTED, jobId, java.time.Instant.now(), new JsonObject());
    }
}
