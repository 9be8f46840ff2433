package dev.codi.launcher;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching across polls: a job that reaches the diffusion stage while it samples a
 * long job joins the running batch at its next step (it does not wait for the batch to end), and
 * its latents go on to the decoder as soon as it leaves, while the long job still samples.
 */
class JoiningBatchTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aShortJobJoinsARunningBatchAndFinishesWhileTheLongJobStillSamples() throws Exception {
        // Given the diffusion stage sampling a long joint job (200 steps: several seconds even alone)
        CodiClient client = SharedPipeline.client();
        String longJob = client.submit(SharedPipeline.textJob("a blue square moving down", List.of("image", "audio"), 200, 61))
                .getString("id");
        CancelTest.awaitSampling(client, longJob);

        // When a short job arrives
        String shortJob = client.submit(SharedPipeline.textJob("a green circle moving up", List.of("image"), 4, 62)).getString("id");

        // Then it completes, artifacts and all, while the long job is still sampling
        JsonObject finished = client.awaitFinished(shortJob, JOB_TIMEOUT, status -> { });
        JsonObject longNow = client.job(longJob);
        assertThat(finished.getString("status")).isEqualTo("succeeded");
        assertThat(finished.getJsonArray("artifacts")).isNotEmpty();
        assertThat(longNow.getString("status")).as("the long job, when the short one finished").isEqualTo("running");

        // ... its sampling began before the long job's batch ended: it joined that batch
        CloudEvent shortStarted = diffusionEvent(shortJob, EventTypes.JOB_STARTED);
        assertThat(diffusionEvents(longJob, EventTypes.STAGE_COMPLETED)).isEmpty();
        assertThat(shortStarted).isNotNull();

        // and the long job, which it shared the batch with, goes on undisturbed to its end
        JsonObject longFinished = client.awaitFinished(longJob, JOB_TIMEOUT, status -> { });
        assertThat(longFinished.getString("status")).isEqualTo("succeeded");
        assertThat(shortStarted.time()).isBefore(diffusionEvent(longJob, EventTypes.STAGE_COMPLETED).time());
    }

    private static List<CloudEvent> diffusionEvents(String jobId, String type) {
        return SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(event -> event.jobId().equals(jobId) && event.type().equals(type)
                        && event.source().equals(Stage.DIFFUSION.eventSource()))
                .toList();
    }

    private static CloudEvent diffusionEvent(String jobId, String type) {
        List<CloudEvent> events = diffusionEvents(jobId, type);
        assertThat(events).as(type + " of " + jobId + " from the diffusion stage").isNotEmpty();
        return events.get(0);
    }
}
