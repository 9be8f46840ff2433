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

    @Test
    void holdsEveryUnfinishedJobButOnlyItsCapacityOfFinishedOnesAndListsThemAll() {
        // Given a view that holds 3 finished jobs, fed the snapshots of 10 finished and 2 running jobs
        JobView bounded = new JobView(3);
        for (int i = 0; i < 12; i++) {
            JobSpec spec = job("job_" + i, "alice", T0.plusSeconds(i));
            JobEvent.Queued queued = new JobEvent.Queued(spec);
            JobRecord record = JobFold.start(queued, T0.plusSeconds(i));
            JobEvent last = i < 10 ? new JobEvent.Canceled(spec.id(), Stage.GATEWAY) : new JobEvent.Started(spec.id(), Stage.ENCODER);
            bounded.apply(new JobSnapshot(queued.toCloudEvent(T0), last.toCloudEvent(T0.plusSeconds(i)),
                    JobFold.apply(record, last, T0.plusSeconds(i)), i, List.of()));
        }

        // Then it lists all 12 and holds 5: both running jobs and the 3 finished last
        assertThat(bounded.size()).isEqualTo(12);
        assertThat(bounded.heldInMemory()).isEqualTo(5);
        assertThat(bounded.get("job_10")).isPresent();
        assertThat(bounded.get("job_9")).isPresent();
        assertThat(bounded.get("job_0")).isEmpty();
        assertThat(bounded.jobsOf("alice", JobStatus.CANCELED, null, 20)).hasSize(10);

        // And a job read back on demand stays within the bound, pushing out the one used least recently
        JobSpec first = job("job_0", "alice", T0);
        JobEvent.Queued queued = new JobEvent.Queued(first);
        JobEvent canceled = new JobEvent.Canceled("job_0", Stage.GATEWAY);
        bounded.remember(new JobSnapshot(queued.toCloudEvent(T0), canceled.toCloudEvent(T0),
                JobFold.apply(JobFold.start(queued, T0), canceled, T0), 0, List.of()));
        assertThat(bounded.get("job_0")).get().extracting(JobRecord::status).isEqualTo(JobStatus.CANCELED);
        assertThat(bounded.heldInMemory()).isEqualTo(5);

        // And a tombstone makes it forget a job it no longer holds, list included
        bounded.forget("job_1", "alice", T0.plusSeconds(1));
        assertThat(bounded.size()).isEqualTo(11);
    }

    @Test
    void anOlderOrRepeatedSnapshotChangesNothing() {
        JobEvent.Queued queued = new JobEvent.Queued(JOB);
        JobRecord started = JobFold.apply(JobFold.start(queued, T0), new JobEvent.Started("job_1", Stage.ENCODER), T0.plusSeconds(1));
        JobSnapshot atOne = new JobSnapshot(queued.toCloudEvent(T0), new JobEvent.Started("job_1", Stage.ENCODER).toCloudEvent(T0.plusSeconds(1)),
                started, 1, List.of());
        JobSnapshot atTwo = new JobSnapshot(queued.toCloudEvent(T0), SUCCEEDED.toCloudEvent(T0.plusSeconds(2)),
                JobFold.apply(started, SUCCEEDED, T0.plusSeconds(2)), 2, List.of());
        view.apply(atTwo);
        view.onChange(changes::add);

        view.apply(atOne);
        view.apply(atTwo);

        assertThat(changes).isEmpty();
        assertThat(view.get("job_1")).get().extracting(JobRecord::status).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(view.history("job_1")).extracting(JobChange::name).containsExactly("job.queued", "job.succeeded");
    }

    private static JobSpec job(String id, String owner, Instant createdAt) {
        return new JobSpec(id, owner, createdAt, JOB.inputs(), Map.of(), JOB.outputs(), JOB.params());
    }

    private void apply(JobEvent event, int secondsAfterStart) {
        view.apply(event.toCloudEvent(T0.plusSeconds(secondsAfterStart)), event);
    }
}
