package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.JobEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The gateway's job view: a fold of the job-events topic, rebuilt from Kafka on every start
 * (no other database, DESIGN §3). Idempotent: an event id seen before is ignored, and a job
 * that reached a terminal state keeps it, so redelivered or repeated events change nothing.
 * Confined to the gateway's event-loop thread.
 */
public final class JobView {
    private final Map<String, JobRecord> jobs = new HashMap<>();
    private final Set<String> seenEventIds = new HashSet<>();
    private final Map<String, List<JobChange>> history = new HashMap<>();
    private final List<Consumer<JobChange>> listeners = new CopyOnWriteArrayList<>();
    /** Per owner, its jobs newest first: position and status only, for listing. */
    private final Map<String, NavigableMap<OwnedJob.Position, JobStatus>> byOwner = new HashMap<>();

    public Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    public int size() {
        return jobs.size();
    }

    /** Jobs not finished whose last change is older than {@code before}: what the stall watch fails. */
    public List<JobRecord> unfinishedSince(Instant before) {
        List<JobRecord> stalled = new ArrayList<>();
        for (JobRecord job : jobs.values()) {
            if (!job.status().terminal() && job.updatedAt().isBefore(before)) {
                stalled.add(job);
            }
        }
        return stalled;
    }

    /**
     * A page of an owner's jobs, newest first.
     *
     * @param status only jobs in this state, or null for all
     * @param after  the position of the last job of the previous page, or null for the first page
     * @param limit  at most this many
     */
    public List<OwnedJob> jobsOf(String owner, JobStatus status, OwnedJob.Position after, int limit) {
        NavigableMap<OwnedJob.Position, JobStatus> owned = byOwner.getOrDefault(owner, new TreeMap<>(OwnedJob.NEWEST_FIRST));
        NavigableMap<OwnedJob.Position, JobStatus> rest = after == null ? owned : owned.tailMap(after, false);
        List<OwnedJob> page = new ArrayList<>();
        for (Map.Entry<OwnedJob.Position, JobStatus> job : rest.entrySet()) {
            if (page.size() == limit) {
                break;
            }
            if (status == null || job.getValue() == status) {
                page.add(new OwnedJob(job.getKey().id(), job.getKey().createdAt(), job.getValue()));
            }
        }
        return page;
    }

    /** Called with the new snapshot whenever a job changes. */
    public void onChange(Consumer<JobRecord> listener) {
        listeners.add(change -> listener.accept(change.job()));
    }

    /** Called with every change: the event that caused it and the new snapshot. */
    public void onChangeEvent(Consumer<JobChange> listener) {
        listeners.add(listener);
    }

    /**
     * Every change of a job, oldest first: what an SSE stream replays. The fold is a pure
     * function of the job's partition, so every gateway instance, restarted or not, holds the
     * same history with the same event ids (which makes {@code Last-Event-ID} portable).
     */
    public List<JobChange> history(String jobId) {
        return List.copyOf(history.getOrDefault(jobId, List.of()));
    }

    public void apply(CloudEvent event, JobEvent jobEvent) {
        if (!seenEventIds.add(event.id())) {
            return;
        }
        if (jobEvent instanceof JobEvent.Queued queued) {
            if (jobs.containsKey(queued.jobId())) {
                return;
            }
            JobRecord record = new JobRecord(queued.job(), JobStatus.QUEUED, event.time(), null,
                    Map.of(), List.of(), null, null, 0);
            publish(record, event, jobEvent);
            return;
        }
        JobRecord current = jobs.get(jobEvent.jobId());
        if (current == null) {
            // Every event of a job shares its key, hence its partition, and the gateway publishes
            // "queued" before the job enters the pipeline: an unknown job here was created
            // before the topic's retention horizon. Nothing to show.
            return;
        }
        JobRecord next = fold(current, jobEvent, event.time());
        if (next != current) {
            publish(next, event, jobEvent);
        }
    }

    private void publish(JobRecord record, CloudEvent cause, JobEvent jobEvent) {
        jobs.put(record.id(), record);
        byOwner.computeIfAbsent(record.spec().owner(), owner -> new TreeMap<>(OwnedJob.NEWEST_FIRST))
                .put(new OwnedJob.Position(record.spec().createdAt(), record.id()), record.status());
        JobChange change = new JobChange(cause.id(), jobEvent, record);
        history.computeIfAbsent(record.id(), id -> new ArrayList<>()).add(change);
        listeners.forEach(listener -> listener.accept(change));
    }

    private static JobRecord fold(JobRecord job, JobEvent event, Instant time) {
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
        return job; // Queued: handled by apply()
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
