package dev.codi.protocol.events;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Stage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * One entry of a job's lifecycle on the job-events topic. The gateway's job view is the fold
 * of these events, so they carry everything the view shows.
 *
 * <p>Event ids are derived from (job, stage, kind[, step]): a stage re-running a job after a
 * crash emits the same ids, and the fold ignores ids it has seen (at-least-once delivery with
 * idempotent consumers, so the client sees one completion).
 */
public sealed interface JobEvent {
    String jobId();

    Stage stage();

    String type();

    /** The part of the event id after the job id. */
    String idSuffix();

    JsonObject data();

    default CloudEvent toCloudEvent(Instant time) {
        return new CloudEvent(jobId() + "/" + idSuffix(), stage().eventSource(), type(), jobId(), time, data());
    }

    /**
     * @param idempotency the client's Idempotency-Key and request fingerprint, or null: carried
     *                    so that every gateway, restarted or not, can replay the first answer
     * @param webhook     the job's webhook subscription ({@code {"url", "events"}}), or null; the
     *                    gateway's business only, so it rides here and not in the job the stages see
     */
    record Queued(JobSpec job, IdempotencyKey idempotency, JsonObject webhook) implements JobEvent {
        public Queued(JobSpec job) {
            this(job, null, null);
        }
        public String jobId() { return job.id(); }
        public Stage stage() { return Stage.GATEWAY; }
        public String type() { return EventTypes.JOB_QUEUED; }
        public String idSuffix() { return "queued"; }
        public JsonObject data() {
            JsonObject data = new JsonObject().put("job", job.toJson());
            if (idempotency != null) {
                data.put("idempotency", new JsonObject().put("key", idempotency.key()).put("fingerprint", idempotency.fingerprint()));
            }
            if (webhook != null) {
                data.put("webhook", webhook.copy());
            }
            return data;
        }
    }

    /** An Idempotency-Key (scoped by the job's owner) and the fingerprint of the request it came with. */
    record IdempotencyKey(String key, String fingerprint) {
        static IdempotencyKey fromJson(JsonObject json) {
            return json == null ? null : new IdempotencyKey(json.getString("key"), json.getString("fingerprint"));
        }
    }

    record Started(String jobId, Stage stage) implements JobEvent {
        public String type() { return EventTypes.JOB_STARTED; }
        public String idSuffix() { return stage.serviceName() + "/started"; }
        public JsonObject data() { return new JsonObject().put("stage", stage.serviceName()); }
    }

    record Progress(String jobId, Stage stage, int step, int totalSteps) implements JobEvent {
        public String type() { return EventTypes.JOB_PROGRESS; }
        public String idSuffix() { return stage.serviceName() + "/progress/" + step; }
        public JsonObject data() {
            return new JsonObject().put("stage", stage.serviceName()).put("step", step).put("total", totalSteps);
        }
    }

    record StageCompleted(String jobId, Stage stage, Instant startedAt, Instant finishedAt) implements JobEvent {
        public String type() { return EventTypes.STAGE_COMPLETED; }
        public String idSuffix() { return stage.serviceName() + "/completed"; }
        public JsonObject data() {
            return new JsonObject().put("stage", stage.serviceName())
                    .put("started_at", startedAt.toString()).put("finished_at", finishedAt.toString());
        }
    }

    /** @param text the generated text inline, when text was requested (else null) */
    record Succeeded(String jobId, Stage stage, List<Artifact> artifacts, String text, Instant startedAt,
                     Instant finishedAt) implements JobEvent {
        public Succeeded {
            artifacts = List.copyOf(artifacts);
        }
        public String type() { return EventTypes.JOB_SUCCEEDED; }
        public String idSuffix() { return "succeeded"; }
        public JsonObject data() {
            JsonArray list = new JsonArray();
            artifacts.forEach(artifact -> list.add(artifact.toJson()));
            return new JsonObject().put("stage", stage.serviceName()).put("artifacts", list).put("text", text)
                    .put("started_at", startedAt.toString()).put("finished_at", finishedAt.toString());
        }
    }

    record Failed(String jobId, Stage stage, String error) implements JobEvent {
        public String type() { return EventTypes.JOB_FAILED; }
        public String idSuffix() { return "failed"; }
        public JsonObject data() { return new JsonObject().put("stage", stage.serviceName()).put("error", error); }
    }

    record Canceled(String jobId, Stage stage) implements JobEvent {
        public String type() { return EventTypes.JOB_CANCELED; }
        public String idSuffix() { return "canceled"; }
        public JsonObject data() { return new JsonObject().put("stage", stage.serviceName()); }
    }

    /** A stage stopped sampling a canceled job after {@code step} of {@code totalSteps}. */
    record Abandoned(String jobId, Stage stage, int step, int totalSteps) implements JobEvent {
        public String type() { return EventTypes.JOB_ABANDONED; }
        public String idSuffix() { return stage.serviceName() + "/abandoned"; }
        public JsonObject data() {
            return new JsonObject().put("stage", stage.serviceName()).put("step", step).put("total", totalSteps);
        }
    }

    static JobEvent fromCloudEvent(CloudEvent event) throws MalformedEventException {
        JsonObject data = event.data();
        String jobId = event.jobId();
        try {
            return switch (event.type()) {
                case EventTypes.JOB_QUEUED -> new Queued(JobSpec.fromJson(data.getJsonObject("job")),
                        IdempotencyKey.fromJson(data.getJsonObject("idempotency")), data.getJsonObject("webhook"));
                case EventTypes.JOB_STARTED -> new Started(jobId, stage(data));
                case EventTypes.JOB_PROGRESS -> new Progress(jobId, stage(data), data.getInteger("step"), data.getInteger("total"));
                case EventTypes.STAGE_COMPLETED -> new StageCompleted(jobId, stage(data),
                        Instant.parse(data.getString("started_at")), Instant.parse(data.getString("finished_at")));
                case EventTypes.JOB_SUCCEEDED -> new Succeeded(jobId, stage(data),
                        data.getJsonArray("artifacts").stream().map(item -> Artifact.fromJson((JsonObject) item)).toList(),
                        data.getString("text"), Instant.parse(data.getString("started_at")),
                        Instant.parse(data.getString("finished_at")));
                case EventTypes.JOB_FAILED -> new Failed(jobId, stage(data), data.getString("error"));
                case EventTypes.JOB_CANCELED -> new Canceled(jobId, stage(data));
                case EventTypes.JOB_ABANDONED -> new Abandoned(jobId, stage(data), data.getInteger("step"), data.getInteger("total"));
                default -> throw new MalformedEventException("unknown job event type '" + event.type() + "'");
            };
        } catch (RuntimeException e) {
            throw new MalformedEventException("malformed " + event.type() + " event " + event.id() + ": " + e.getMessage(), e);
        }
    }

    private static Stage stage(JsonObject data) {
        return Stage.fromServiceName(data.getString("stage"));
    }
}
