package dev.codi.gateway.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every error answer of the API as RFC 9457 {@code application/problem+json}. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Routing-context key under which the gateway records its body limit, for the 413 problem. */
    public static final String BODY_LIMIT_KEY = "codi.bodyLimit";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    /** What a 503 asks the client to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 5;

    private Problems() {
    }

    /** True when the failure says the broker or the store is away for now (not a bug, not the request's fault). */
    static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.errors.RetriableException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException
                    || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof dev.codi.storage.ObjectStoreException store && store.isTransient()) {
                return true;
            }
        }
        return false;
    }

    public static void send(RoutingContext context, Problem problem) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        problem.headers().forEach(context.response()::putHeader);
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", CONTENT_TYPE)
                .end(problem.toJson(context.request().path()).encodePrettily());
    }

    /** The router's failure handler: known problems as they are, the rest as a 500 that hides internals. */
    public static void handleFailure(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof Problem problem) {
            send(context, problem);
            return;
        }
        int status = context.statusCode();
        Problem problem = switch (status) {
            case 413 -> {
                Object limit = context.get(BODY_LIMIT_KEY);
                yield Problem.limitExceeded(413, "body_bytes", limit,
                        "the body exceeds the limit of " + limit + " bytes; upload large media separately (POST /v1/uploads)");
            }
            case 404 -> Problem.notFound("no route for " + context.request().method() + " " + context.request().path());
            case 405 -> new Problem(405, "/problems/method-not-allowed", "Method not allowed",
                    context.request().method() + " is not allowed on " + context.request().path());
            case 400 -> Problem.malformedJson(failure == null ? "bad request" : failure.getMessage());
            default -> {
                if (isUnavailable(failure)) {
                    LOG.warn("{} {}: the pipeline is unavailable: {}", context.request().method(), context.request().path(),
                            failure.toString());
                    yield new Problem(503, "/problems/unavailable", "The service is unavailable for a moment",
                            "Kafka or the object store did not answer in time; nothing was accepted, retry later")
                            .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                }
                LOG.error("unhandled failure on {} {}", context.request().method(), context.request().path(), failure);
                yield new Problem(500, "/problems/internal", "Internal error",
                        "the gateway failed to handle the request; it was logged");
            }
        };
        send(context, problem);
    }
}
