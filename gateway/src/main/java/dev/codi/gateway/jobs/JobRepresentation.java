package dev.codi.gateway.jobs;

import dev.codi.gateway.view.JobRecord;
import dev.codi.media.Modality;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.events.Artifact;
import dev.codi.storage.ObjectStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The job resource clients see (DESIGN §4): status, progress, timings per stage, and artifacts
 * as presigned object-storage URLs with their expiry, type, size and sha256. Signing URLs may
 * touch the network in some S3 set-ups: call it off the event loop.
 */
public final class JobRepresentation {
    private final ObjectStore store;
    private final Duration urlLifetime;
    private final Clock clock;
    private final Supplier<PromptWords> words;

    public JobRepresentation(ObjectStore store, Duration urlLifetime, Clock clock) {
        this(store, urlLifetime, clock, () -> PromptWords.UNKNOWN_VOCABULARY);
    }

    /** @param words the served model's words, to warn about the words of a text input it does not read */
    public JobRepresentation(ObjectStore store, Duration urlLifetime, Clock clock, Supplier<PromptWords> words) {
        this.store = store;
        this.urlLifetime = urlLifetime;
        this.clock = clock;
        this.words = words;
    }

    public static String path(String jobId) {
        return "/v1/jobs/" + jobId;
    }

    /** The artifact's file name: the last segment of its object key (image.png, audio.wav, video.mp4, video.gif, text.txt). */
    public static String fileName(Artifact artifact) {
        return artifact.objectKey().substring(artifact.objectKey().lastIndexOf('/') + 1);
    }

    /** Where the gateway serves an artifact's bytes, for clients that cannot read the object store's origin. */
    public static String artifactPath(String jobId, Artifact artifact) {
        return path(jobId) + "/artifacts/" + fileName(artifact);
    }

    /** The bytes of an artifact. Blocking. */
    public byte[] read(Artifact artifact) {
        return store.get(artifact.objectKey());
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
        if (job.spec().inputs().get(Modality.TEXT) instanceof InputRef.InlineText text) {
            json.put("input_text", text.text());
        }
        if (!job.spec().weights().isEmpty()) {
            JsonObject weights = new JsonObject();
            job.spec().weights().forEach((modality, weight) -> weights.put(modality.wireName(), weight));
            json.put("weights", weights);
        }
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
                        .put("expires_at", expiresAt.toString())
                        .put("download", artifactPath(job.id(), artifact)));
            }
            json.put("artifacts", artifacts);
        }
        if (job.text() != null) {
            json.put("text", job.text());
        }
        if (job.error() != null) {
            json.put("error", job.error());
        }
        if (job.spec().inputs().get(Modality.TEXT) instanceof InputRef.InlineText text) {
            JsonArray warnings = words.get().warnings(text.text());
            if (!warnings.isEmpty()) {
                json.put("warnings", warnings);
            }
        }
        return json.put("links", new JsonObject().put("self", path(job.id())));
    }
}
