package dev.codi.gateway.events;

import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.view.JobChange;
import dev.codi.gateway.view.JobSubscriptions;
import dev.codi.gateway.view.JobView;
import dev.codi.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/jobs/{id}/events}: the job's changes as Server-Sent Events (HTML Living
 * Standard, "Server-sent events"). Each event carries
 * <pre>
 * id: &lt;the job event's id&gt;      (stable on every gateway: resumable with Last-Event-ID)
 * event: job.queued | job.started | job.progress | job.stage-completed | job.succeeded | job.failed | job.canceled
 * data: &lt;the job resource after the change, one line of JSON&gt;
 * </pre>
 * A reconnecting client sends {@code Last-Event-ID} and gets only what followed that event. The
 * stream ends after the terminal event; a comment line keeps idle connections open through proxies.
 */
public final class JobEventStream {
    public static final String CONTENT_TYPE = "text/event-stream";
    /** Idle streams get a comment this often, so proxies and clients do not time them out. */
    public static final long KEEP_ALIVE_MILLIS = 15_000;
    /** The reconnection delay suggested to clients (the stream's {@code retry} field). */
    public static final long RECONNECT_MILLIS = 1_000;

    private final Vertx vertx;
    private final JobView view;
    private final JobSubscriptions subscriptions;
    private final JobRepresentation representation;

    public JobEventStream(Vertx vertx, JobView view, JobSubscriptions subscriptions, JobRepresentation representation) {
        this.vertx = vertx;
        this.view = view;
        this.subscriptions = subscriptions;
        this.representation = representation;
    }

    /** Streams the changes of a job the caller may see; {@code lastEventId} may be null. */
    public void stream(HttpServerResponse response, String jobId, String lastEventId) {
        response.setChunked(true)
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: " + RECONNECT_MILLIS + "\n\n");
        Runnable streamClosed = GatewayMetrics.streamOpened();
        response.endHandler(ended -> streamClosed.run());
        List<JobChange> history = view.history(jobId);
        int from = 0;
        if (lastEventId != null) {
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).eventId().equals(lastEventId)) {
                    from = i + 1;
                }
            }
        }
        // Changes are rendered off the event loop (presigning URLs may block) but written in order.
        Future<Void> written = Future.succeededFuture();
        for (JobChange change : history.subList(from, history.size())) {
            written = written.compose(ignored -> send(response, change));
        }
        boolean finished = !history.isEmpty() && history.get(history.size() - 1).job().status().terminal();
        if (finished) {
            written.onComplete(ignored -> response.end());
            return;
        }
        AtomicReference<Future<Void>> tail = new AtomicReference<>(written);
        long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, id -> {
            if (!response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        Runnable[] unsubscribe = new Runnable[1];
        unsubscribe[0] = subscriptions.subscribe(jobId, change -> {
            tail.set(tail.get().compose(ignored -> send(response, change)));
            if (change.job().status().terminal()) {
                unsubscribe[0].run();
                vertx.cancelTimer(keepAlive);
                tail.get().onComplete(ignored -> {
                    if (!response.ended()) {
                        response.end();
                    }
                });
            }
        });
        response.closeHandler(closed -> {
            streamClosed.run();
            unsubscribe[0].run();
            vertx.cancelTimer(keepAlive);
        });
    }

    private Future<Void> send(HttpServerResponse response, JobChange change) {
        return vertx.executeBlocking(() -> representation.render(change.job()), true)
                .compose(json -> {
                    if (response.ended() || response.closed()) {
                        return Future.succeededFuture();
                    }
                    return response.write(frame(change, json));
                })
                .recover(error -> Future.succeededFuture());
    }

    static String frame(JobChange change, JsonObject job) {
        // encode() never emits a line break, and a data line must not hold one
        return "id: " + change.eventId() + "\nevent: " + change.name() + "\ndata: " + job.encode() + "\n\n";
    }
}
