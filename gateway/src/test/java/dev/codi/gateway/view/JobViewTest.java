package dev.codi.gateway.view;

import dev.codi.media.Modality;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.Artifact;
import dev.codi.protocol.events.JobEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobViewTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final JobSpec JOB = new JobSpec("job_1", "anonymous", T0,
            Map.of(Modality.TEXT, new InputRef.InlineText("a red circle")), Map.of(), List.of(Modality.IMAGE),
            new JobParams(10, 7.5, 0, 1, true));
    private static final JobEvent SUCCEEDED = new JobEvent.Succeeded("job_1", Stage.DECODER,
            List.of(new Artifact(Modality.IMAGE, "jobs/job_1/artifacts/image.png", "image/png", 10, "ab".repeat(32))),
            null, T0.plusSeconds(3), T0.plusSeconds(4));

    private final JobView view = new JobView();
    private final List<JobRecord> changes = new ArrayList<>();

    @Test
    void foldsTheLifecycleIntoStatusProgressTimingsAndArtifacts() {
        view.onChange(changes::add);

        apply(new JobEvent.Queued(JOB), 0);
        assertThat(view.get("job_1")).get().extracting(JobRecord::status).isEqualTo(JobStatus.QUEUED);
        apply(new JobEvent.Started("job_1", Stage.ENCODER), 1);
        apply(new JobEvent.StageCompleted("job_1", Stage.ENCODER, T0.plusMillis(1000), T0.plusMillis(1250)), 2);
        apply(new JobEvent.Progress("job_1", Stage.DIFFUSION, 4, 10), 3);
        JobRecord running = view.get("job_1").orElseThrow();
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.progress()).isEqualTo(new JobRecord.Progress(Stage.DIFFUSION, 4, 10));
        assertThat(running.timings().get(Stage.ENCODER).millis()).isEqualTo(250);

        apply(SUCCEEDED, 4);
        JobRecord done = view.get("job_1").orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.artifacts()).hasSize(1);
        assertThat(done.timings()).containsKeys(Stage.ENCODER, Stage.DECODER);
        assertThat(changes).hasSize(5);
    }

    @Test
    void aRepeatedCompletionIsInvisibleAndATerminalStateIsFinal() {
        apply(new JobEvent.Queued(JOB), 0);
        apply(SUCCEEDED, 1);
        view.onChange(changes::add);

        // a stage redoing the job after a crash emits the same events again
        apply(SUCCEEDED, 2);
        apply(new JobEvent.Progress("job_1", Stage.DIFFUSION, 9, 10), 3);
        apply(new JobEvent.Failed("job_1", Stage.DECODER, "late failure"), 4);

        JobRecord job = view.get("job_1").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.completions()).isEqualTo(1);
        assertThat(changes).isEmpty();
    }

    @Test
    void eventsOfAJobItNeverSawCreatedAreIgnored() {
        apply(new JobEvent.Started("job_unknown", Stage.ENCODER), 0);

        assertThat(view.get("job_unknown")).isEmpty();
        assertThat(view.size()).isZero();
    }

    @Test
    void listsAnOwnersJobsNewestFirstWithTheirCurrentStatus() {
        // Given three jobs of one owner created a second apart, the middle one finished, and one job of another owner
        for (int i = 1; i <= 3; i++) {
            apply(new JobEvent.Queued(job("job_" + i, "alice", T0.plusSeconds(i))), 0);
        }
        apply(new JobEvent.Queued(job("job_b", "bob", T0.plusSeconds(9))), 0);
        apply(new JobEvent.Canceled("job_2", Stage.GATEWAY), 1);

        // Then pages go newest first, a page resumes after the position it is given, and the filter sees the new status
        List<OwnedJob> first = view.jobsOf("alice", null, null, 2);
        assertThat(first).extracting(OwnedJob::id).containsExactly("job_3", "job_2");
        assertThat(first.get(1).status()).isEqualTo(JobStatus.CANCELED);
        assertThat(view.jobsOf("alice", null, first.get(1).position(), 2)).extracting(OwnedJob::id).containsExactly("job_1");
        assertThat(view.jobsOf("alice", JobStatus.QUEUED, null, 10)).extracting(OwnedJob::id).containsExactly("job_3", "job_1");
        assertThat(view.jobsOf("bob", null, null, 10)).extracting(OwnedJob::id).containsExactly("job_b");
        assertThat(view.jobsOf("carol", null, null, 10)).isEmpty();
    }

    private static JobSpec job(String id, String owner, Instant createdAt) {
        return new JobSpec(id, owner, createdAt, JOB.inputs(), Map.of(), JOB.outputs(), JOB.params());
    }

    private void apply(JobEvent event, int secondsAfterStart) {
        view.apply(event.toCloudEvent(T0.plusSeconds(secondsAfterStart)), event);
    }
}
