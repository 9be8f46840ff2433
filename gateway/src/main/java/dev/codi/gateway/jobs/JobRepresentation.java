package dev.codi.gateway.jobs;

import dev.codi.gateway.view.JobRecord;
import dev.codi.protocol.events.Artifact;
import dev.codi.storage.ObjectStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The job resource clients see (docs/design.md §4): status, progress, timings per stage, and artifacts
 * as presigned object-storage URLs with their expiry, type, size and sha256. Signing URLs may
 * touch the network in some S3 set-ups: call it off the event loop.
 */
public final class JobRepresentation {
    private final ObjectStore store;
    private final Duration urlLifetime;
    private final Clock clock;

    public JobRepresentation(ObjectStore store, Duration urlLifetime, Clock clock) {
        this.store = store;
        this.urlLifetime = urlLifetime;
        this.clock = clock;
    }

    public static String path(String jobId) {
        return "/v1/jobs/" + jobId;
    }

    public JsonObject render(JobRecord job) {
        JsonArray outputs = new JsonArray();
        job.spec().outputs().forEach(modality -> outputs.add(modality.wireName()));
        JsonObject json = new JsonObject()
                .put("id", job.id())
                .put("status", job.status().wireName())
                .put("created_at", job.spec().createdAt().toString())
                .put("updated_at", job.updatedAt().toString())
                .put("inputs", new JsonArray(job.spec().inputs().keySet().stream().map(m -> m.wireName()).sorted().toList()))
                .put("outputs", outputs)
                .put("params", job.spec().params().toJson());
        if (job.progress() != null) {
            json.put("progress", new JsonObject().put("stage", job.progress().stage().serviceName())
                    .put("step", job.progress().step()).put("total", job.progress().total()));
        }
        JsonObject timings = new JsonObject();
        job.timings().forEach((stage, timing) -> timings.put(stage.serviceName(), new JsonObject()
                .put("started_at", timing.startedAt().toString())
                .put("finished_at", timing.finishedAt().toString())
                .put("millis", timing.millis())));
        json.put("timings", timings);
        if (!job.artifacts().isEmpty()) {
            Instant expiresAt = clock.instant().plus(urlLifetime);
            JsonArray artifacts = new JsonArray();
            for (Artifact artifact : job.artifacts()) {
                artifacts.add(new JsonObject()
                        .put("modality", artifact.modality().wireName())
                        .put("content_type", artifact.contentType())
                        .put("bytes", artifact.bytes())
                        .put("sha256", artifact.sha256())
                        .put("url", store.presignedGet(artifact.objectKey(), urlLifetime).toString())
                        .put("expires_at", expiresAt.toString()));
            }
            json.put("artifacts", artifacts);
        }
        if (job.text() != null) {
            json.put("text", job.text());
        }
        if (job.error() != null) {
            json.put("error", job.error());
        }
        return json.put("links", new JsonObject().put("self", path(job.id())));
    }
}
