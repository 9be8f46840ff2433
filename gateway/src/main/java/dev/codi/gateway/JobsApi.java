package dev.codi.gateway;

import dev.codi.gateway.http.RequestTracing;
import dev.codi.protocol.tracing.JobTracing;
import dev.codi.protocol.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import dev.codi.gateway.admission.DecodePool;
import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.events.JobEventStream;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.idempotency.IdempotencyKeys;
import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.jobs.JobRequestParser;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.jobs.PreferWait;
import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobStatus;
import dev.codi.gateway.view.JobSubscriptions;
import dev.codi.gateway.view.JobView;
import dev.codi.gateway.webhooks.Webhooks;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.JobEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/jobs}: create (with Idempotency-Key and Prefer: wait), read, cancel, and stream a
 * job's events. Every route is behind {@link BearerAuth}: a key sees only its own jobs, and
 * another key's job answers 404 exactly like a job that does not exist.
 */
final class JobsApi {
    private final Vertx vertx;
    private final JobRequestParser parser;
    private final JobSubmitter submitter;
    private final JobView view;
    private final JobSubscriptions subscriptions;
    private final JobRepresentation representation;
    private final IdempotencyKeys idempotency;
    private final JobEventStream events;
    private final Webhooks webhooks;
    /** Parses the JSON and decodes the media of new jobs, off the event loop and with a bounded queue. */
    private final DecodePool decodePool;
    private final RequestTracing tracing;

    JobsApi(Vertx vertx, JobRequestParser parser, JobSubmitter submitter, JobView view, JobSubscriptions subscriptions,
            JobRepresentation representation, IdempotencyKeys idempotency, Webhooks webhooks, DecodePool decodePool,
            RequestTracing tracing) {
        this.tracing = tracing;
        this.webhooks = webhooks;
        this.decodePool = decodePool;
        this.vertx = vertx;
        this.parser = parser;
        this.submitter = submitter;
        this.view = view;
        this.subscriptions = subscriptions;
        this.representation = representation;
        this.idempotency = idempotency;
        this.events = new JobEventStream(vertx, view, subscriptions, representation);
    }

    void create(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        GatewayVerticle.requireJson(context);
        Optional<Duration> wait = PreferWait.parse(context.request().headers().getAll("Prefer"));
        Optional<String> key = IdempotencyKeys.parseHeader(context.request().getHeader(IdempotencyKeys.HEADER));
        if (key.isEmpty()) {
            create(context, owner, wait, key, null);
            return;
        }
        // SHA-256 of a body of up to CODI_BODY_LIMIT_BYTES: on the input-validation pool, not the event loop.
        Buffer body = context.body().buffer();
        decodePool.submit(() -> IdempotencyKeys.fingerprint(body))
                .onSuccess(fingerprint -> {
                    try {
                        create(context, owner, wait, key, fingerprint);
                    } catch (RuntimeException e) { // a 409 or 422 problem of the key, thrown outside the route's handler
                        context.fail(e);
                    }
                })
                .onFailure(context::fail);
    }

    /** Creates the job once the request's fingerprint is known (null without an Idempotency-Key); on the event loop. */
    private void create(RoutingContext context, String owner, Optional<Duration> wait, Optional<String> key, String fingerprint) {
        if (key.isPresent()) {
            Optional<JobSpec> replay = idempotency.begin(owner, key.get(), fingerprint);
            if (replay.isPresent()) {
                context.response().putHeader("Idempotent-Replayed", "true");
                respondWithJob(context, replay.get().id(), replay.get(), wait);
                return;
            }
        }
        String jobId = submitter.newJobId();
        Span span = tracing.start(context, "/v1/jobs").setAttribute(JobTracing.JOB_ID, jobId);
        JobEvent.IdempotencyKey carried = key.map(k -> new JobEvent.IdempotencyKey(k, fingerprint)).orElse(null);
        decodePool.submit(() -> parser.parse(GatewayVerticle.jsonBody(context), owner))
                .compose(request -> {
                    if (request.webhook() != null && webhooks.state().isDisabled(owner, request.webhook().url())) {
                        return Future.failedFuture(Problem.invalidRequest("webhook.url " + request.webhook().url()
                                + " was disabled for your key after it answered 410 Gone; use another URL"));
                    }
                    return vertx.executeBlocking(() -> {
                                try (Scope inRequest = span.makeCurrent()) { // the inputs' puts join the request's trace
                                    return submitter.storeInputs(jobId, owner, request);
                                }
                            }, false)
                            .compose(job -> submitter.publish(new JobEvent.Queued(job, carried,
                                    request.webhook() == null ? null : request.webhook().toJson()), Tracing.of(span)).map(job));
                })
                .onSuccess(job -> {
                    key.ifPresent(k -> idempotency.complete(k, fingerprint, job));
                    respondWithJob(context, job.id(), job, wait);
                })
                .onFailure(error -> {
                    key.ifPresent(k -> idempotency.abandon(owner, k));
                    context.fail(error);
                });
    }

    /** 200 with the finished job when it finished (within the wait, if any), else 202 with the pending one. */
    private void respondWithJob(RoutingContext context, String jobId, JobSpec justCreated, Optional<Duration> wait) {
        Future<JobRecord> record = wait.map(duration -> awaitTerminal(jobId, duration))
                .orElseGet(() -> Future.succeededFuture(view.get(jobId).orElse(null)));
        wait.ifPresent(duration -> context.response().putHeader("Preference-Applied", "wait=" + duration.toSeconds()));
        record.map(found -> found != null ? found : pending(justCreated))
                .compose(job -> render(job)
                        .onSuccess(json -> {
                            if (context.response().headWritten()) {
                                return; // the request's deadline answered first (Admission.deadline)
                            }
                            context.response()
                                    .setStatusCode(job.status().terminal() ? 200 : 202)
                                    .putHeader("Content-Type", "application/json")
                                    .putHeader("Location", JobRepresentation.path(jobId))
                                    .end(json.encodePrettily());
                        }))
                .onFailure(error -> {
                    if (!context.response().headWritten()) {
                        context.fail(error);
                    }
                });
    }

    private static JobRecord pending(JobSpec job) {
        return new JobRecord(job, JobStatus.QUEUED, job.createdAt(), null, Map.of(), List.of(), null, null, 0);
    }

    /** The job once terminal, or as it is when {@code timeout} passes (null if the view has not seen it yet). */
    private Future<JobRecord> awaitTerminal(String jobId, Duration timeout) {
        Optional<JobRecord> now = view.get(jobId);
        if (now.isPresent() && now.get().status().terminal()) {
            return Future.succeededFuture(now.get());
        }
        Promise<JobRecord> done = Promise.promise();
        Runnable unsubscribe = subscriptions.subscribe(jobId, change -> {
            if (change.job().status().terminal()) {
                done.tryComplete(change.job());
            }
        });
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), fired -> done.tryComplete(view.get(jobId).orElse(null)));
        return done.future().onComplete(finished -> {
            unsubscribe.run();
            vertx.cancelTimer(timer);
        });
    }

    /**
     * {@code GET /v1/jobs/{id}/artifacts/{name}}: an artifact's bytes through the gateway, behind
     * the key. The presigned URLs serve browsers' media elements from the object store's origin;
     * a script that must read the bytes (a waveform) reads them here, same-origin, with no CORS
     * rule needed on the bucket.
     */
    void artifact(RoutingContext context) {
        JobRecord record = visibleJob(context);
        String name = context.pathParam("name");
        dev.codi.protocol.events.Artifact artifact = record.artifacts().stream()
                .filter(candidate -> JobRepresentation.fileName(candidate).equals(name)).findFirst()
                .orElseThrow(() -> Problem.notFound("job " + record.id() + " has no artifact '" + name + "'; it has "
                        + record.artifacts().stream().map(JobRepresentation::fileName).toList()));
        vertx.executeBlocking(() -> representation.read(artifact), false)
                .onSuccess(bytes -> context.response()
                        .putHeader("Content-Type", artifact.contentType())
                        .putHeader("Cache-Control", "private, max-age=3600")
                        .end(io.vertx.core.buffer.Buffer.buffer(bytes)))
                .onFailure(context::fail);
    }

    void get(RoutingContext context) {
        JobRecord record = visibleJob(context);
        render(record)
                .onSuccess(json -> context.response().putHeader("Content-Type", "application/json").end(json.encodePrettily()))
                .onFailure(context::fail);
    }

    /**
     * Cancels a queued or running job: publishes {@code job.canceled} on job-events and on the
     * cancellations topic, which the stages watch (a queued job is skipped, a running one leaves its batch between two denoising
     * steps) and the view folds into the terminal state {@code canceled}. Canceling a canceled job
     * is a no-op; a succeeded or failed one is a 409.
     */
    void cancel(RoutingContext context) {
        JobRecord record = visibleJob(context);
        if (record.status() == JobStatus.CANCELED) {
            respondWithJob(context, record.id(), record.spec(), Optional.empty());
            return;
        }
        if (record.status().terminal()) {
            throw new Problem(409, "/problems/job-finished", "The job has already finished",
                    "job " + record.id() + " is " + record.status().wireName() + "; only queued or running jobs can be canceled");
        }
        JobEvent.Canceled canceled = new JobEvent.Canceled(record.id(), Stage.GATEWAY);
        submitter.cancel(canceled)
                .onSuccess(published -> {
                    JobRecord now = view.get(record.id()).orElse(record);
                    context.response().setStatusCode(200);
                    render(now)
                            .onSuccess(json -> context.response().putHeader("Content-Type", "application/json").end(json.encodePrettily()))
                            .onFailure(context::fail);
                })
                .onFailure(context::fail);
    }

    void events(RoutingContext context) {
        JobRecord record = visibleJob(context);
        events.stream(context.response(), record.id(), context.request().getHeader("Last-Event-ID"));
    }

    /** The job resource, with its webhook and failed deliveries; presigning URLs runs off the event loop. */
    private Future<JsonObject> render(JobRecord job) {
        JsonObject webhook = webhooks.describe(job.id());
        return vertx.executeBlocking(() -> representation.render(job), false)
                .map(json -> webhook == null ? json : json.put("webhook", webhook));
    }

    /** The job named in the path if the caller's key owns it; else the same 404 as for no job at all. */
    private JobRecord visibleJob(RoutingContext context) {
        String jobId = context.pathParam("id");
        String owner = BearerAuth.owner(context);
        return view.get(jobId).filter(job -> job.spec().owner().equals(owner))
                .orElseThrow(() -> Problem.notFound("no job with id '" + jobId + "'"));
    }
}
