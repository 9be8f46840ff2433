package dev.codi.gateway.view;

import dev.codi.protocol.Stage;
import dev.codi.protocol.events.JobEvent;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How one job event changes a job (docs/design.md §4): a pure function, so the snapshot writer and
 * every gateway's own read-your-writes agree. A job that reached a terminal state keeps it.
 */
public final class JobFold {
    private JobFold() {
    }

    /** The job as "queued" makes it. */
    public static JobRecord start(JobEvent.Queued queued, Instant time) {
        return new JobRecord(queued.job(), JobStatus.QUEUED, time, null, Map.of(), List.of(), null, null, 0);
    }

    /** The job after {@code event}; the same instance when the event changes nothing. */
    public static JobRecord apply(JobRecord job, JobEvent event, Instant time) {
        if (job.status().terminal()) {
            return job;
        }
        if (event instanceof JobEvent.Started) {
            return with(job, JobStatus.RUNNING, time, job.progress(), job.timings());
        }
        if (event instanceof JobEvent.Progress progress) {
            return with(job, JobStatus.RUNNING, time,
                    new JobRecord.Progress(progress.stage(), progress.step(), progress.totalSteps()), job.timings());
        }
        if (event instanceof JobEvent.StageCompleted completed) {
            return with(job, JobStatus.RUNNING, time, job.progress(),
                    withTiming(job.timings(), completed.stage(), new JobRecord.Timing(completed.startedAt(), completed.finishedAt())));
        }
        if (event instanceof JobEvent.Succeeded succeeded) {
            return new JobRecord(job.spec(), JobStatus.SUCCEEDED, time, job.progress(),
                    withTiming(job.timings(), succeeded.stage(), new JobRecord.Timing(succeeded.startedAt(), succeeded.finishedAt())),
                    succeeded.artifacts(), succeeded.text(), null, job.completions() + 1);
        }
        if (event instanceof JobEvent.Failed failed) {
            return new JobRecord(job.spec(), JobStatus.FAILED, time, job.progress(), job.timings(),
                    List.of(), null, failed.error(), job.completions() + 1);
        }
        if (event instanceof JobEvent.Canceled) {
            return new JobRecord(job.spec(), JobStatus.CANCELED, time, job.progress(), job.timings(),
                    List.of(), null, null, job.completions() + 1);
        }
        return job; // Queued starts a job (start()); Abandoned changes nothing the client sees
    }

    private static JobRecord with(JobRecord job, JobStatus status, Instant time, JobRecord.Progress progress,
                                  Map<Stage, JobRecord.Timing> timings) {
        return new JobRecord(job.spec(), status, time, progress, timings, job.artifacts(), job.text(), job.error(),
                job.completions());
    }

    private static Map<Stage, JobRecord.Timing> withTiming(Map<Stage, JobRecord.Timing> timings, Stage stage,
                                                          JobRecord.Timing timing) {
        Map<Stage, JobRecord.Timing> copy = new EnumMap<>(Stage.class);
        copy.putAll(timings);
        copy.put(stage, timing);
        return copy;
    }
}
