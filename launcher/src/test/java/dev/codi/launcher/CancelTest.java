package dev.codi.launcher;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /v1/jobs/{id}/cancel: a waiting job never samples, a sampling job stops between two steps. */
class CancelTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    /** Kafka round trips (gateway → job-events → the stage's watch) plus one denoising step, with room for a busy CI box. */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(3);

    @Test
    void aSamplingJobStopsBetweenTwoStepsAndIsCanceled() throws Exception {
        // Given a long job that is sampling
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("a yellow circle moving up", List.of("image", "audio"), 200, 41))
                .getString("id");
        awaitSampling(client, id);

        // When it is canceled
        HttpResponse<String> answer = cancel(id);

        // Then it is canceled at once, the diffusion stage stops it promptly before its last step,
        // and nothing of it reaches the decoder
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getString("status")).isEqualTo("canceled");
        CloudEvent abandoned = awaitEvent(id, EventTypes.JOB_ABANDONED);
        CloudEvent canceled = awaitEvent(id, EventTypes.JOB_CANCELED);
        assertThat(abandoned.source()).isEqualTo(Stage.DIFFUSION.eventSource());
        assertThat(abandoned.data().getInteger("step")).isLessThan(200);
        assertThat(Duration.between(canceled.time(), abandoned.time())).isLessThan(STOP_WITHIN);
        assertThat(SharedPipeline.readAll(SharedPipeline.topics().latents()).stream().filter(e -> e.jobId().equals(id))).isEmpty();
        assertThat(client.job(id).getString("status")).isEqualTo("canceled");
        assertThat(SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(e -> e.jobId().equals(id) && e.type().equals(EventTypes.JOB_CANCELED))).hasSize(1);
    }

    @Test
    void aJobCanceledWhileWaitingForTheDiffusionStageNeverSamples() throws Exception {
        // Given the diffusion stage's batch full of long jobs (a job that arrives while a batch has
        // room joins it), and one more job waiting behind them
        CodiClient client = SharedPipeline.client();
        List<String> busy = new java.util.ArrayList<>();
        for (int i = 0; i < PipelineConfig.DEFAULT_MAX_BATCH; i++) {
            busy.add(client.submit(SharedPipeline.textJob("a red cross moving left", List.of("image", "audio"), 200, 42 + i))
                    .getString("id"));
        }
        for (String id : busy) {
            awaitSampling(client, id);
        }
        String waiting = client.submit(SharedPipeline.textJob("a red cross moving right", List.of("image"), 3, 43)).getString("id");
        awaitEvent(waiting, EventTypes.STAGE_COMPLETED); // the encoder is done with it

        // When the waiting job is canceled, then the busy ones
        assertThat(new JsonObject(cancel(waiting).body()).getString("status")).isEqualTo("canceled");
        for (String id : busy) {
            assertThat(cancel(id).statusCode()).isEqualTo(200);
        }

        // Then a job submitted afterwards runs, and the canceled one was never started by the diffusion stage
        String after = client.submit(SharedPipeline.textJob("a red cross moving down", List.of("image"), 3, 44)).getString("id");
        assertThat(client.awaitFinished(after, JOB_TIMEOUT, s -> { }).getString("status")).isEqualTo("succeeded");
        assertThat(SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(e -> e.jobId().equals(waiting) && e.source().equals(Stage.DIFFUSION.eventSource()))).isEmpty();
        assertThat(SharedPipeline.readAll(SharedPipeline.topics().latents()).stream().filter(e -> e.jobId().equals(waiting))).isEmpty();
        assertThat(client.job(waiting).getString("status")).isEqualTo("canceled");
    }

    @Test
    void cancelingTwiceIsHarmlessAndAFinishedJobCannotBeCanceled() throws Exception {
        CodiClient client = SharedPipeline.client();
        String done = client.submit(SharedPipeline.textJob("a green circle", List.of("text"), 2, 45)).getString("id");
        assertThat(client.awaitFinished(done, JOB_TIMEOUT, s -> { }).getString("status")).isEqualTo("succeeded");

        HttpResponse<String> tooLate = cancel(done);

        assertThat(tooLate.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(tooLate.body()).getString("detail")).contains("succeeded");
        String long_ = client.submit(SharedPipeline.textJob("a green circle", List.of("image"), 200, 46)).getString("id");
        assertThat(cancel(long_).statusCode()).isEqualTo(200);
        HttpResponse<String> again = cancel(long_);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(again.body()).getString("status")).isEqualTo("canceled");
    }

    /** Waits until the job reports sampling progress. */
    static void awaitSampling(CodiClient client, String id) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (client.job(id).getJsonObject("progress") == null) {
            assertThat(System.nanoTime()).as("job " + id + " never started sampling").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static CloudEvent awaitEvent(String jobId, String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Optional<CloudEvent> found = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                    .filter(event -> event.jobId().equals(jobId) && event.type().equals(type)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(System.nanoTime()).as("no " + type + " for " + jobId).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> cancel(String id) throws Exception {
        return HTTP.send(SharedPipeline.request("/v1/jobs/" + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
