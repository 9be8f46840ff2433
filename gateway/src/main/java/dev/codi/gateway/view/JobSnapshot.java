package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.Artifact;
import dev.codi.protocol.events.JobEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One record of the job-state topic: a job as it stands after the job-events record at
 * {@code eventsOffset} of its partition, with the two events a reader needs to tell its
 * listeners what happened — "queued" (the job, its Idempotency-Key and webhook) and the last
 * event folded in. A snapshot of a finished job is final; one of a job still running also keeps
 * the ids of the events already folded in, so a stage's repeat of one (at-least-once delivery)
 * changes nothing even after the snapshot's writer moved to another gateway.
 *
 * <p>On Kafka it is a CloudEvent (binary mode) of type {@link #TYPE} whose id is the last event's,
 * keyed by the job id, with the job's status in the header {@link #STATUS_HEADER} so that a reader
 * can skip finished jobs without parsing them.
 */
public record JobSnapshot(CloudEvent queued, CloudEvent last, JobRecord job, long eventsOffset, List<String> seenEventIds) {
    public static final String TYPE = "dev.codi.job.snapshot";
    public static final String STATUS_HEADER = "codi_status";
    /** Header of a snapshot and of a tombstone: the job's owner, for the owner's list without parsing the record. */
    public static final String OWNER_HEADER = "codi_owner";
    /** Header of a snapshot and of a tombstone: the job's creation time (RFC 3339), its place in the owner's list. */
    public static final String CREATED_HEADER = "codi_created";

    public JobSnapshot {
        seenEventIds = List.copyOf(seenEventIds);
    }

    public String jobId() {
        return job.id();
    }

    /** The change a reader reports for this snapshot: the last event and the job after it. */
    public JobChange lastChange() {
        return new JobChange(last.id(), event(last), job);
    }

    /** The change "queued" made: the job as it was queued. */
    public JobChange queuedChange() {
        JobEvent.Queued event = (JobEvent.Queued) event(queued);
        return new JobChange(queued.id(), event, JobFold.start(event, queued.time()));
    }

    public CloudEvent toCloudEvent() {
        JsonObject data = new JsonObject()
                .put("queued", eventJson(queued))
                .put("last", eventJson(last))
                .put("events_offset", eventsOffset)
                .put("status", job.status().wireName())
                .put("updated_at", job.updatedAt().toString())
                .put("completions", job.completions());
        if (job.progress() != null) {
            data.put("progress", new JsonObject().put("stage", job.progress().stage().name())
                    .put("step", job.progress().step()).put("total", job.progress().total()));
        }
        JsonObject timings = new JsonObject();
        job.timings().forEach((stage, timing) -> timings.put(stage.name(), new JsonObject()
                .put("started_at", timing.startedAt().toString()).put("finished_at", timing.finishedAt().toString())));
        data.put("timings", timings);
        data.put("artifacts", new JsonArray(job.artifacts().stream().map(Artifact::toJson).toList()));
        data.put("text", job.text()).put("error", job.error());
        if (!job.status().terminal()) {
            data.put("seen", new JsonArray(new ArrayList<>(seenEventIds)));
        }
        return new CloudEvent(last.id(), Stage.GATEWAY.eventSource(), TYPE, job.id(), job.updatedAt(), data);
    }

    public static JobSnapshot fromCloudEvent(CloudEvent event) throws MalformedEventException {
        if (!TYPE.equals(event.type())) {
            throw new MalformedEventException("not a job snapshot: " + event.type());
        }
        try {
            JsonObject data = event.data();
            CloudEvent queued = eventFromJson(event.subject(), data.getJsonObject("queued"));
            CloudEvent last = eventFromJson(event.subject(), data.getJsonObject("last"));
            JobEvent.Queued queuedEvent = (JobEvent.Queued) JobEvent.fromCloudEvent(queued);
            JsonObject progressJson = data.getJsonObject("progress");
            JobRecord.Progress progress = progressJson == null ? null : new JobRecord.Progress(
                    Stage.valueOf(progressJson.getString("stage")), progressJson.getInteger("step"), progressJson.getInteger("total"));
            Map<Stage, JobRecord.Timing> timings = new EnumMap<>(Stage.class);
            data.getJsonObject("timings", new JsonObject()).forEach(entry -> {
                JsonObject timing = (JsonObject) entry.getValue();
                timings.put(Stage.valueOf(entry.getKey()), new JobRecord.Timing(Instant.parse(timing.getString("started_at")),
                        Instant.parse(timing.getString("finished_at"))));
            });
            List<Artifact> artifacts = new ArrayList<>();
            data.getJsonArray("artifacts", new JsonArray()).forEach(json -> artifacts.add(Artifact.fromJson((JsonObject) json)));
            JobRecord job = new JobRecord(queuedEvent.job(), JobStatus.valueOf(data.getString("status").toUpperCase(java.util.Locale.ROOT)),
                    Instant.parse(data.getString("updated_at")), progress, timings, artifacts, data.getString("text"),
                    data.getString("error"), data.getInteger("completions", 0));
            List<String> seen = new ArrayList<>();
            data.getJsonArray("seen", new JsonArray()).forEach(id -> seen.add((String) id));
            return new JobSnapshot(queued, last, job, data.getLong("events_offset"), seen);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new MalformedEventException("unreadable job snapshot of " + event.subject() + ": " + e, e);
        }
    }

    /** The snapshot whose data ({@code toCloudEvent().data()}) is {@code data}: how it is kept in the object store. */
    public static JobSnapshot fromData(String jobId, JsonObject data) throws MalformedEventException {
        try {
            return fromCloudEvent(new CloudEvent(data.getJsonObject("last").getString("id"), Stage.GATEWAY.eventSource(), TYPE, jobId,
                    Instant.parse(data.getString("updated_at")), data));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new MalformedEventException("unreadable job snapshot of " + jobId + ": " + e, e);
        }
    }

    private static JobEvent event(CloudEvent event) {
        try {
            return JobEvent.fromCloudEvent(event);
        } catch (MalformedEventException e) {
            throw new IllegalStateException("a snapshot holds only events it could read", e);
        }
    }

    private static JsonObject eventJson(CloudEvent event) {
        return new JsonObject().put("id", event.id()).put("source", event.source()).put("type", event.type())
                .put("time", event.time().toString()).put("data", event.data());
    }

    private static CloudEvent eventFromJson(String jobId, JsonObject json) {
        return new CloudEvent(json.getString("id"), json.getString("source"), json.getString("type"), jobId,
                Instant.parse(json.getString("time")), json.getJsonObject("data"));
    }
}
