package dev.codi.gateway;

import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobStatus;
import dev.codi.gateway.view.JobView;
import dev.codi.gateway.view.OwnedJob;
import dev.codi.gateway.webhooks.Webhooks;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** {@code GET /v1/jobs}: a key's jobs, newest first, from the job view's per-owner index. */
final class JobListApi {
    /** Jobs per page: the default and the most a client may ask for. */
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;

    private final Vertx vertx;
    private final JobView view;
    private final JobRepresentation representation;
    private final Webhooks webhooks;
    private final dev.codi.gateway.jobs.JobRetention jobs;

    JobListApi(Vertx vertx, JobView view, JobRepresentation representation, Webhooks webhooks, dev.codi.gateway.jobs.JobRetention jobs) {
        this.vertx = vertx;
        this.jobs = jobs;
        this.view = view;
        this.representation = representation;
        this.webhooks = webhooks;
    }

    /**
     * {@code GET /v1/jobs}: the key's jobs, newest first, a page at a time. {@code cursor} is the
     * opaque {@code next_cursor} of the page before (it names that page's last job, so jobs
     * created meanwhile do not shift the pages); {@code status} keeps the jobs in one state.
     */
    void list(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        int limit = pageLimit(context.queryParams().get("limit"));
        JobStatus status = statusFilter(context.queryParams().get("status"));
        String cursorParam = context.queryParams().get("cursor");
        OwnedJob.Position after = cursorParam == null ? null : decodeCursor(cursorParam);
        List<OwnedJob> page = view.jobsOf(owner, status, after, limit + 1);
        boolean more = page.size() > limit;
        // Finished jobs that left memory are read back from the object store, one GET each.
        List<io.vertx.core.Future<java.util.Optional<JobRecord>>> found = page.subList(0, Math.min(limit, page.size())).stream()
                .map(job -> jobs.find(job.id())).toList();
        io.vertx.core.Future.all(found).compose(all -> {
                    List<JobRecord> records = found.stream().map(io.vertx.core.Future::result).flatMap(java.util.Optional::stream).toList();
                    List<JsonObject> described = records.stream().map(job -> webhooks.describe(job.id())).toList();
                    return vertx.executeBlocking(() -> {
                        JsonArray data = new JsonArray();
                        for (int i = 0; i < records.size(); i++) {
                            JsonObject json = representation.render(records.get(i));
                            data.add(described.get(i) == null ? json : json.put("webhook", described.get(i)));
                        }
                        return data;
                    }, false);
                })
                .onSuccess(data -> {
                    JsonObject body = new JsonObject().put("data", data);
                    if (more) {
                        String next = encodeCursor(page.get(limit - 1).position());
                        body.put("next_cursor", next).put("links", new JsonObject().put("next", "/v1/jobs?limit=" + limit
                                + (status == null ? "" : "&status=" + status.wireName()) + "&cursor=" + next));
                    } else {
                        body.putNull("next_cursor");
                    }
                    context.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
                })
                .onFailure(context::fail);
    }

    private static int pageLimit(String value) {
        if (value == null) {
            return DEFAULT_PAGE;
        }
        if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_PAGE) {
            throw invalidQuery("limit", "limit must be an integer within [1, " + MAX_PAGE + "], got '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    private static JobStatus statusFilter(String value) {
        if (value == null) {
            return null;
        }
        for (JobStatus status : JobStatus.values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw invalidQuery("status", "status must be one of queued, running, succeeded, failed, canceled, got '" + value + "'");
    }

    /** The cursor names a position (creation time, id), base64url-encoded so clients treat it as opaque. */
    private static String encodeCursor(OwnedJob.Position position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (position.createdAt() + " " + position.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static OwnedJob.Position decodeCursor(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(" ", 2);
            if (parts.length != 2 || parts[1].isEmpty()) {
                throw new IllegalArgumentException("no job id");
            }
            return new OwnedJob.Position(Instant.parse(parts[0]), parts[1]);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw invalidQuery("cursor", "cursor '" + cursor + "' is not one this API gave out; "
                    + "pass the next_cursor of the previous page unchanged, or leave it out for the first page");
        }
    }

    private static Problem invalidQuery(String parameter, String detail) {
        return new Problem(422, "/problems/invalid-query", "A query parameter is not valid", detail,
                new JsonObject().put("field", parameter));
    }
}
