package dev.codi.gateway;

import dev.codi.gateway.http.Problem;
import dev.codi.gateway.http.Problems;
import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.jobs.JobRequestParser;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.jobs.NewJob;
import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobStatus;
import dev.codi.gateway.view.JobView;
import dev.codi.protocol.JobSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/** {@code /v1/jobs}: create a job, read a job. */
final class JobsApi {
    /** Until API keys exist every job belongs to one owner; the field is carried end to end already. */
    static final String ANONYMOUS_OWNER = "anonymous";

    private final Vertx vertx;
    private final JobRequestParser parser;
    private final JobSubmitter submitter;
    private final JobView view;
    private final JobRepresentation representation;

    JobsApi(Vertx vertx, JobRequestParser parser, JobSubmitter submitter, JobView view, JobRepresentation representation) {
        this.vertx = vertx;
        this.parser = parser;
        this.submitter = submitter;
        this.view = view;
        this.representation = representation;
    }

    void create(RoutingContext context) {
        JsonObject body = GatewayVerticle.jsonBody(context);
        String jobId = submitter.newJobId();
        vertx.executeBlocking(() -> {
                    NewJob request = parser.parse(body);
                    return submitter.storeInputs(jobId, ANONYMOUS_OWNER, request);
                }, false)
                .compose(job -> submitter.publish(job).map(job))
                .onSuccess(job -> respondAccepted(context, job))
                .onFailure(context::fail);
    }

    private void respondAccepted(RoutingContext context, JobSpec job) {
        JobRecord record = view.get(job.id()).orElseGet(() ->
                new JobRecord(job, JobStatus.QUEUED, job.createdAt(), null, Map.of(), List.of(), null, null, 0));
        String location = JobRepresentation.path(job.id());
        vertx.executeBlocking(() -> representation.render(record), false)
                .onSuccess(json -> context.response().setStatusCode(202)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Location", location)
                        .end(json.encodePrettily()))
                .onFailure(context::fail);
    }

    void get(RoutingContext context) {
        String jobId = context.pathParam("id");
        JobRecord record = view.get(jobId).orElse(null);
        if (record == null) {
            Problems.send(context, Problem.notFound("no job with id '" + jobId + "'"));
            return;
        }
        vertx.executeBlocking(() -> representation.render(record), false)
                .onSuccess(json -> context.response().putHeader("Content-Type", "application/json").end(json.encodePrettily()))
                .onFailure(context::fail);
    }
}
