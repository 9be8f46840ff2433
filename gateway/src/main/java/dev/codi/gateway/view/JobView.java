package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.JobEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The gateway's job view, fed by the compacted job-state topic (one snapshot per change, written
 * by {@link JobStateWriter}; docs/design.md, "Bounded job state") and by this gateway's own
 * events as soon as Kafka took them (read-your-writes). Memory is bounded by what is live, not by
 * history: every job not finished, the {@code recentCapacity} finished jobs used last (an LRU),
 * and, per owner, one small line per job for listing. A finished job that left the LRU is read
 * back on demand ({@link #remember}). Each held job keeps its changes, whose event ids are the
 * only ones remembered: a repeated event of a held job is ignored, and a job that reached a
 * terminal state keeps it. Confined to the gateway's event-loop thread.
 */
public final class JobView {
    /** The default of CODI_JOB_CACHE_SIZE: finished jobs kept in memory. */
    public static final int DEFAULT_RECENT_CAPACITY = 10_000;

    /** One job held in memory: the job now, its changes seen here, and the job-events offset of its last snapshot. */
    private static final class Held {
        JobRecord job;
        long eventsOffset = -1;
        final List<JobChange> history = new ArrayList<>();

        Held(JobRecord job) {
            this.job = job;
        }

        boolean saw(String eventId) {
            for (JobChange change : history) {
                if (change.eventId().equals(eventId)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final int recentCapacity;
    private final Map<String, Held> unfinished = new HashMap<>();
    private final LinkedHashMap<String, Held> finished;
    private final List<Consumer<JobChange>> listeners = new CopyOnWriteArrayList<>();
    /** Per owner, its jobs newest first: position and status only, for listing. */
    private final Map<String, NavigableMap<OwnedJob.Position, JobStatus>> byOwner = new HashMap<>();
    private int known;

    public JobView() {
        this(DEFAULT_RECENT_CAPACITY);
    }

    /** @param recentCapacity finished jobs kept in memory, least recently used first out */
    public JobView(int recentCapacity) {
        if (recentCapacity < 1) {
            throw new IllegalArgumentException("the view must hold at least one finished job, got " + recentCapacity);
        }
        this.recentCapacity = recentCapacity;
        this.finished = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
                return size() > JobView.this.recentCapacity;
            }
        };
    }

    /** The job if it is in memory; a finished job that left it is found through {@link #remember}. */
    public Optional<JobRecord> get(String jobId) {
        Held held = held(jobId);
        return held == null ? Optional.empty() : Optional.of(held.job);
    }

    /** Every job known (listed), in memory or not. */
    public int size() {
        return known;
    }

    /** Jobs held in memory: every unfinished one and at most the LRU's capacity of finished ones. */
    public int heldInMemory() {
        return unfinished.size() + finished.size();
    }

    /** Jobs not finished whose last change is older than {@code before}: what the stall watch fails. */
    public List<JobRecord> unfinishedSince(Instant before) {
        List<JobRecord> stalled = new ArrayList<>();
        for (Held held : unfinished.values()) {
            if (held.job.updatedAt().isBefore(before)) {
                stalled.add(held.job);
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

    /** A job of an owner's list. */
    public record Listed(String owner, OwnedJob job) {
    }

    /** Finished jobs created before {@code before}, each owner's oldest first, at most {@code limit}: what retention deletes. */
    public List<Listed> finishedBefore(Instant before, int limit) {
        List<Listed> expired = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<OwnedJob.Position, JobStatus>> owned : byOwner.entrySet()) {
            for (Map.Entry<OwnedJob.Position, JobStatus> job : owned.getValue().descendingMap().entrySet()) {
                if (!job.getKey().createdAt().isBefore(before) || expired.size() == limit) {
                    break;
                }
                if (job.getValue().terminal()) {
                    expired.add(new Listed(owned.getKey(), new OwnedJob(job.getKey().id(), job.getKey().createdAt(), job.getValue())));
                }
            }
        }
        return expired;
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
     * The changes of a job seen by this gateway, oldest first: what an SSE stream replays. A job
     * this gateway met as a snapshot (at start, or read back) begins with "queued" and the
     * snapshot's last change; the ids are the job events' ids, the same on every gateway.
     */
    public List<JobChange> history(String jobId) {
        Held held = held(jobId);
        return held == null ? List.of() : List.copyOf(held.history);
    }

    /** Folds an event this gateway published and Kafka acknowledged (read-your-writes). */
    public void apply(CloudEvent event, JobEvent jobEvent) {
        Held held = held(jobEvent.jobId());
        if (jobEvent instanceof JobEvent.Queued queued) {
            if (held == null) {
                change(new Held(JobFold.start(queued, event.time())), new JobChange(event.id(), queued, JobFold.start(queued, event.time())));
            }
            return;
        }
        if (held == null || held.saw(event.id())) {
            return; // a job created before the view's horizon, or a repeat
        }
        JobRecord next = JobFold.apply(held.job, jobEvent, event.time());
        if (next != held.job) {
            change(held, new JobChange(event.id(), jobEvent, next));
        }
    }

    /** Applies a record of the job-state topic: a newer snapshot replaces the job, an older or repeated one changes nothing. */
    public void apply(JobSnapshot snapshot) {
        Held held = held(snapshot.jobId());
        if (held == null) {
            Held fresh = new Held(snapshot.job());
            fresh.eventsOffset = snapshot.eventsOffset();
            JobChange queued = snapshot.queuedChange();
            boolean onlyQueued = snapshot.last().id().equals(queued.eventId());
            change(fresh, onlyQueued ? new JobChange(queued.eventId(), queued.event(), snapshot.job()) : queued);
            if (!onlyQueued) {
                change(fresh, snapshot.lastChange());
            }
            return;
        }
        if (snapshot.eventsOffset() <= held.eventsOffset) {
            return;
        }
        held.eventsOffset = snapshot.eventsOffset();
        if (held.saw(snapshot.last().id())) {
            return; // this gateway folded it already, as it published it
        }
        if (held.job.status().terminal()) {
            return; // canceled here; the writer's snapshots catch up with it
        }
        change(held, snapshot.lastChange());
    }

    /**
     * Lists a finished job without holding it: what a reader does with an old job's snapshot at
     * start, from its headers alone. A job already held is left as it is.
     */
    public void index(String jobId, String owner, Instant createdAt, JobStatus status) {
        if (held(jobId) != null) {
            return;
        }
        if (byOwner.computeIfAbsent(owner, key -> new TreeMap<>(OwnedJob.NEWEST_FIRST))
                .put(new OwnedJob.Position(createdAt, jobId), status) == null) {
            known++;
        }
    }

    /** Holds a finished job read back on demand (from the object store); a job already held is kept as it is. */
    public JobRecord remember(JobSnapshot snapshot) {
        Held held = held(snapshot.jobId());
        if (held != null) {
            return held.job;
        }
        Held fresh = new Held(snapshot.job());
        fresh.eventsOffset = snapshot.eventsOffset();
        JobChange queued = snapshot.queuedChange();
        fresh.history.add(queued);
        if (!snapshot.last().id().equals(queued.eventId())) {
            fresh.history.add(snapshot.lastChange());
        }
        (snapshot.job().status().terminal() ? finished : unfinished).put(snapshot.jobId(), fresh);
        return fresh.job;
    }

    /** Forgets a job entirely (a compaction tombstone: it expired); {@code owner} names its list, if known. */
    public void forget(String jobId, String owner, Instant createdAt) {
        Held held = unfinished.remove(jobId);
        if (held == null) {
            held = finished.remove(jobId);
        }
        String listOwner = held != null ? held.job.spec().owner() : owner;
        Instant created = held != null ? held.job.spec().createdAt() : createdAt;
        NavigableMap<OwnedJob.Position, JobStatus> owned = listOwner == null ? null : byOwner.get(listOwner);
        if (owned != null && created != null && owned.remove(new OwnedJob.Position(created, jobId)) != null) {
            known--;
            if (owned.isEmpty()) {
                byOwner.remove(listOwner);
            }
        }
    }

    private Held held(String jobId) {
        Held held = unfinished.get(jobId);
        return held != null ? held : finished.get(jobId);
    }

    private void change(Held held, JobChange change) {
        JobRecord job = change.job();
        held.job = job;
        held.history.add(change);
        if (job.status().terminal()) {
            unfinished.remove(job.id());
            finished.put(job.id(), held);
        } else {
            unfinished.put(job.id(), held);
        }
        if (byOwner.computeIfAbsent(job.spec().owner(), owner -> new TreeMap<>(OwnedJob.NEWEST_FIRST))
                .put(new OwnedJob.Position(job.spec().createdAt(), job.id()), job.status()) == null) {
            known++;
        }
        listeners.forEach(listener -> listener.accept(change));
    }
}
